//! What every Accord service crate shares, so that each service is only its routes:
//!
//! - [`context`]: [`ServiceContext`], the handles a service is given (store, ids, tokens, outbox signal,
//!   bus, shared state).
//! - [`principal`]: who is calling, as the edge authenticated them.
//! - [`extract`]: JSON, path and query extractors that fail with Discord's error bodies.
//! - [`error`]: [`ApiError`] and its one `IntoResponse`.
//! - [`render`]: records to Discord wire objects.
//! - [`access`]: a caller's standing in a guild (membership, permissions, rank).
//! - [`audit`]: audit log entries and the reason header.
//! - [`audience`]: who receives an event about a channel (guild, thread parent, thread members).
//! - [`presence`]: presences as everyone sees them (combining holders), and publishing them.
//! - [`private`]: DMs and group DMs as each recipient sees them.
//! - [`settings`]: each user's settings and profile fields.
//! - [`snapshot`]: full state for a client that starts following a guild (GUILD_CREATE).
//! - [`voice`]: voice states, voice tokens and the placement of channels on voice nodes.

pub mod access;
pub mod audience;
pub mod audit;
pub mod context;
pub mod error;
pub mod extract;
pub mod presence;
pub mod principal;
pub mod private;
pub mod render;
pub mod settings;
pub mod snapshot;
pub mod voice;

pub use context::{ContextParts, OutboxSignal, ServiceContext};
pub use error::{ApiError, ApiResult};
pub use principal::{Caller, Principal, PrincipalKind};
