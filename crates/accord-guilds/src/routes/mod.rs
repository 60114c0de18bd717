//! The guilds service's routes.

mod audit_log;
mod bans;
mod channels;
mod emojis;
mod forums;
mod guilds;
mod invites;
mod members;
mod overwrites;
mod private_channels;
mod roles;
mod threads;

use accord_service::ServiceContext;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{delete, get, post, put};

pub fn router() -> Router<ServiceContext> {
    Router::new()
        .route("/guilds", post(guilds::create))
        .route(
            "/guilds/{guild_id}",
            get(guilds::get)
                .patch(guilds::modify.layer(DefaultBodyLimit::max(accord_files::MAX_IMAGE_BODY_BYTES)))
                .delete(guilds::delete),
        )
        .route("/users/@me/guilds", get(guilds::list_mine))
        .route("/users/@me/guilds/{guild_id}", delete(members::leave))
        .route("/guilds/{guild_id}/channels", get(channels::list).post(channels::create))
        .route("/channels/{channel_id}", get(channels::get).patch(channels::modify).delete(channels::delete))
        .route("/channels/{channel_id}/permissions/{overwrite_id}", put(overwrites::put).delete(overwrites::delete))
        .route("/guilds/{guild_id}/roles", get(roles::list).post(roles::create).patch(roles::reorder))
        .route("/guilds/{guild_id}/roles/{role_id}", get(roles::get).patch(roles::modify).delete(roles::delete))
        .route("/guilds/{guild_id}/members", get(members::list))
        .route("/guilds/{guild_id}/members/@me", axum::routing::patch(members::modify_me))
        .route(
            "/guilds/{guild_id}/members/{user_id}",
            get(members::get).patch(members::modify).put(members::add_bot).delete(members::kick),
        )
        .route(
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            put(members::add_role).delete(members::remove_role),
        )
        .route("/guilds/{guild_id}/invites", get(invites::list_for_guild))
        .route("/guilds/{guild_id}/audit-logs", get(audit_log::list))
        .route("/guilds/{guild_id}/bans", get(bans::list))
        .route("/guilds/{guild_id}/bans/{user_id}", get(bans::get).put(bans::ban).delete(bans::unban))
        .route("/guilds/{guild_id}/bulk-ban", post(bans::bulk_ban))
        .route(
            "/guilds/{guild_id}/emojis",
            get(emojis::list).post(emojis::create.layer(DefaultBodyLimit::max(accord_files::MAX_IMAGE_BODY_BYTES))),
        )
        .route("/guilds/{guild_id}/emojis/{emoji_id}", get(emojis::get).patch(emojis::modify).delete(emojis::delete))
        .route(
            "/channels/{channel_id}/recipients/{user_id}",
            put(private_channels::add_recipient).delete(private_channels::remove_recipient),
        )
        .route("/channels/{channel_id}/invites", get(invites::list_for_channel).post(invites::create))
        .route("/invites/{code}", get(invites::get).post(invites::accept).delete(invites::delete))
}
