//! The chat service's routes.

mod messages;
mod send;
mod typing;

use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<accord_service::ServiceContext> {
    Router::new()
        .route("/channels/{channel_id}/messages", get(messages::list).post(send::create))
        .route(
            "/channels/{channel_id}/messages/{message_id}",
            get(messages::get).patch(messages::edit).delete(messages::delete),
        )
        .route("/channels/{channel_id}/typing", post(typing::start))
}
