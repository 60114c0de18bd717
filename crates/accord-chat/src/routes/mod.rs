//! The chat service's routes.

mod ack;
mod bulk_delete;
pub(crate) mod mentions;
mod messages;
mod pins;
mod reactions;
mod search;
mod send;
mod typing;
mod versions;

use axum::Router;

use crate::threads;
use axum::routing::{delete, get, post, put};

pub fn router() -> Router<accord_service::ServiceContext> {
    const REACTION: &str = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}";
    Router::new()
        .route("/channels/{channel_id}/messages", get(messages::list).post(send::create))
        .route("/channels/{channel_id}/messages/search", get(search::in_channel))
        .route("/channels/{channel_id}/messages/bulk-delete", post(bulk_delete::delete))
        .route(
            "/channels/{channel_id}/messages/{message_id}",
            get(messages::get).patch(messages::edit).delete(messages::delete),
        )
        .route("/channels/{channel_id}/messages/{message_id}/history", get(versions::list))
        .route("/channels/{channel_id}/messages/{message_id}/ack", post(ack::ack))
        .route("/channels/{channel_id}/messages/{message_id}/reactions", delete(reactions::clear_all))
        .route(REACTION, get(reactions::users).delete(reactions::clear_emoji))
        .route(&format!("{REACTION}/@me"), put(reactions::add).delete(reactions::remove_own))
        .route(&format!("{REACTION}/{{user_id}}"), delete(reactions::remove_user))
        .route("/channels/{channel_id}/pins", get(pins::list))
        .route("/channels/{channel_id}/pins/{message_id}", put(pins::pin).delete(pins::unpin))
        .route("/channels/{channel_id}/typing", post(typing::start))
        .route("/channels/{channel_id}/read-receipts", get(ack::receipts))
        .route("/guilds/{guild_id}/messages/search", get(search::in_guild))
        .route("/channels/{channel_id}/messages/{message_id}/threads", post(threads::create::from_message))
        .route("/channels/{channel_id}/threads", post(threads::create::start))
        .route("/channels/{channel_id}/threads/search", get(threads::lists::search))
        .route("/channels/{channel_id}/threads/archived/public", get(threads::lists::archived_public))
        .route("/channels/{channel_id}/threads/archived/private", get(threads::lists::archived_private))
        .route("/channels/{channel_id}/users/@me/threads/archived/private", get(threads::lists::archived_joined))
        .route("/guilds/{guild_id}/threads/active", get(threads::lists::active))
        .route("/channels/{channel_id}/thread-members", get(threads::members::list))
        .route(
            "/channels/{channel_id}/thread-members/@me",
            get(threads::members::get_me).put(threads::members::join_me).delete(threads::members::leave_me),
        )
        .route(
            "/channels/{channel_id}/thread-members/{user_id}",
            get(threads::members::get).put(threads::members::add_user).delete(threads::members::remove_user),
        )
}
