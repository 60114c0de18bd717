//! The guilds service.

use accord_service::ServiceContext;
use axum::Router;

pub fn router(_ctx: ServiceContext) -> Router {
    Router::new()
}
