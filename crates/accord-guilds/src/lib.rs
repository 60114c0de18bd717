//! The guilds service: guilds, channels and their permission overwrites (forum settings
//! included; threads are changed and deleted through the channel routes), roles, members and
//! invites. Every change commits with its Discord event in the same transaction.
//!
//! Parts: [`error`], [`events`] (event payloads), [`files`] (files of deleted channels and
//! guilds), [`thread_sync`] (THREAD_LIST_SYNC on gained
//! access), [`validate`] (field rules), [`routes`].

pub mod error;
pub mod events;
pub mod files;
pub mod routes;
pub mod thread_sync;
pub mod validate;

use accord_service::ServiceContext;
use axum::Router;

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext) -> Router {
    routes::router().with_state(ctx)
}
