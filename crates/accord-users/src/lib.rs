//! The users service: the current user (read and edit) and public user profiles.
//! (Relationships and DMs come with the people issue.)
//!
//! Parts: [`routes`], [`events`] (USER_UPDATE), [`error`]; names follow
//! `accord_core::names`, the rules registration applies.

pub mod error;
pub mod events;
pub mod routes;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
