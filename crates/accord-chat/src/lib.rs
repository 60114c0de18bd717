//! The chat service: messages in guild text channels (create with nonce idempotency, history
//! pages, read, edit, delete) and typing indicators.
//!
//! Parts: [`error`], [`content`] (message content rules), [`mentions`] (parsing `<@id>`,
//! `<@&id>`, `@everyone`), [`slowmode`] (in the shared state), [`events`], [`routes`].

pub mod content;
pub mod error;
pub mod events;
pub mod mentions;
pub mod routes;
pub mod slowmode;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
