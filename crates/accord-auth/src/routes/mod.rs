//! The auth service's routes.

mod accounts;
mod applications;
mod sessions;

use axum::Router;
use axum::routing::{get, post};

use crate::AuthState;

pub fn router() -> Router<AuthState> {
    Router::new()
        .route("/auth/register", post(accounts::register))
        .route("/auth/login", post(accounts::login))
        .route("/auth/me", get(accounts::me))
        .route("/auth/verify", post(accounts::verify))
        .route("/auth/refresh", post(sessions::refresh))
        .route("/auth/logout", post(sessions::logout))
        .route("/applications", post(applications::create))
        .route("/applications/@me", get(applications::current))
        .route("/oauth2/applications/@me", get(applications::current))
        .route("/applications/{application_id}/bot/reset-token", post(applications::reset_token))
}
