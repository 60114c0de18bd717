//! The presence service (seeds 000 and 001): presence over REST, beside the gateway's.
//! `POST /presence/update` sets the caller's status, activities and custom status as this
//! service's own holder of them, for [`HOLD`] (each update renews it), so a client without a
//! gateway connection shows online while it keeps updating; the gateway's sessions hold
//! theirs, and everyone sees them combined (`accord_service::presence`).
//! `GET /presence/{user_id}` and `GET /presence/guild/{guild_id}` read presences, with the
//! last-seen time of users who are offline, for callers who share a guild with them.
//!
//! Parts: [`routes`], [`lapse`] (announcing holds that ran out).

pub mod lapse;
pub mod routes;

use std::time::Duration;

use accord_service::ServiceContext;
use axum::Router;

/// How long a presence set over REST holds without another update.
pub const HOLD: Duration = Duration::from_secs(300);

/// The service's routes, relative to the API root, and its task announcing lapsed holds.
pub fn router(ctx: ServiceContext) -> Router {
    let lapses = lapse::Lapses::start(ctx.clone());
    routes::router(lapses).with_state(ctx)
}
