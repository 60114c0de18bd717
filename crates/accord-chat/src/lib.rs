//! The chat service: messages in guild text channels (create with nonce idempotency, history
//! pages, read, edit, delete) and typing indicators.
//!
//! Parts: [`error`], [`content`] (message content rules), [`mentions`] (parsing `<@id>`,
//! `<@&id>`, `@everyone`), [`events`], [`routes`].

pub mod content;
pub mod error;
pub mod events;
pub mod mentions;
pub mod routes;
pub mod slowmode;

use std::sync::Arc;

use accord_service::ServiceContext;
use axum::Router;
use axum::extract::FromRef;

/// State of the chat routes.
#[derive(Clone)]
pub struct ChatState {
    pub ctx: ServiceContext,
    /// Last send per (channel, user), for channels in slowmode.
    pub slowmode: Arc<slowmode::Slowmode>,
}

impl FromRef<ChatState> for ServiceContext {
    fn from_ref(state: &ChatState) -> Self {
        state.ctx.clone()
    }
}

impl FromRef<ChatState> for Arc<slowmode::Slowmode> {
    fn from_ref(state: &ChatState) -> Self {
        state.slowmode.clone()
    }
}

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ChatState { ctx, slowmode: Arc::default() })
}
