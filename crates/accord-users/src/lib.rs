//! The users service: the current user and public user profiles. (Profiles editing,
//! relationships and DMs come with the people issue.)
//!
//! Parts: [`routes`].

pub mod routes;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
