//! The users service: the current user (read and edit), public user profiles, relationships
//! (friends, requests, blocks), and opening DMs and group DMs (what happens in them is under
//! `/channels/{id}`: the guilds and chat services).
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
