//! The guilds service: guilds, channels and their permission overwrites (forum settings
//! included; threads are changed and deleted through the channel routes; DMs and group DMs
//! are read, renamed, closed and left there too), roles, members, invites, bans and the audit
//! log. Every change commits with its Discord events (and audit entry) in the same transaction.
//!
//! Parts: [`error`], [`events`] (event payloads), [`files`] (files of deleted channels and
//! guilds), [`thread_sync`] (THREAD_LIST_SYNC on gained
//! access), [`temporary`] (temporary members leaving once offline), [`validate`] (field rules),
//! [`routes`].

pub mod error;
pub mod events;
pub mod files;
pub mod routes;
pub mod temporary;
pub mod thread_sync;
pub mod validate;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
