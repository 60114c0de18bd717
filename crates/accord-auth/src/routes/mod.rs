//! The auth service's routes.

pub(crate) mod accounts;
mod applications;
mod delete;
mod email;
pub(crate) mod mfa;
mod password;
mod sessions;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AuthState;

pub use delete::{DELETED_NAME, deleted_username};

pub fn router() -> Router<AuthState> {
    Router::new()
        .route("/auth/register", post(accounts::register))
        .route("/auth/login", post(accounts::login))
        .route("/auth/me", get(accounts::me))
        .route("/auth/verify", post(accounts::verify))
        .route("/auth/refresh", post(sessions::refresh))
        .route("/auth/logout", post(sessions::logout))
        .route("/auth/logout-all", post(sessions::logout_all))
        .route("/auth/sessions", get(sessions::list))
        .route("/auth/sessions/{session_id}", delete(sessions::revoke))
        .route("/auth/password", post(password::change))
        .route("/auth/verify-email/send", post(email::send_verification))
        .route("/auth/verify-email", post(email::verify))
        .route("/auth/password-reset/request", post(email::request_reset))
        .route("/auth/password-reset", post(email::reset))
        .route("/auth/mfa/totp/enable", post(mfa::enable))
        .route("/auth/mfa/totp/disable", post(mfa::disable))
        .route("/auth/mfa/totp", post(mfa::finish_login))
        .route("/auth/delete-account", post(delete::delete_account))
        .route("/applications", post(applications::create))
        .route("/applications/@me", get(applications::current))
        .route("/oauth2/applications/@me", get(applications::current))
        .route("/applications/{application_id}/bot/reset-token", post(applications::reset_token))
}
