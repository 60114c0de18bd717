//! The chat service: messages in guild channels (create with attachments, embeds, replies and
//! nonce idempotency; history pages; edits with their history; deletion, also in bulk),
//! reactions, pins, read marks, search, threads and forum posts, and typing indicators.
//!
//! Parts: [`content`] (message content rules), [`embeds`] (embed limits), [`emoji`] (reaction
//! emoji), [`mentions`] (parsing `<@id>`, `<@&id>`, `@everyone`), [`attachments`] (bytes in the
//! blob store), [`slowmode`] (in the shared state), [`view`] (messages as REST returns them),
//! [`threads`], [`events`], [`error`], [`routes`].

pub mod attachments;
pub mod content;
pub mod embeds;
pub mod emoji;
pub mod error;
pub mod events;
pub mod mentions;
pub mod routes;
pub mod slowmode;
pub mod threads;
pub mod view;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
