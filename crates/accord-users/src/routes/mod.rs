//! The users service's routes.

mod channels;
mod profile;
mod relationships;
mod search;
mod settings;

use accord_service::ServiceContext;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{get, put};

pub fn router() -> Router<ServiceContext> {
    Router::new()
        .route(
            "/users/@me",
            get(profile::me).patch(profile::modify.layer(DefaultBodyLimit::max(accord_files::MAX_IMAGE_BODY_BYTES))),
        )
        .route("/users/@me/settings", get(settings::get).patch(settings::modify))
        .route("/users/search", get(search::search))
        .route("/users/{user_id}", get(profile::user))
        .route("/users/{user_id}/profile", get(profile::profile))
        .route("/users/@me/channels", get(channels::list).post(channels::create))
        .route("/users/@me/relationships", get(relationships::list).post(relationships::request_by_username))
        .route("/users/@me/relationships/{user_id}", put(relationships::put).delete(relationships::delete))
}
