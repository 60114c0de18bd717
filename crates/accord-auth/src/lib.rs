//! The auth service: accounts and credentials (Argon2id, off the async threads), login
//! sessions with short-lived access tokens and rotating refresh tokens, applications with
//! their bot tokens, and account security: emailed email-verification and password-reset
//! tokens, password changes, listing and revoking sessions, TOTP two-factor login with
//! recovery codes, and account deletion.
//!
//! Parts: [`config`], [`error`], [`password`] (rules and hashing), [`routes`] (`/auth/*`,
//! `/applications/*`, `/oauth2/applications/@me`), [`session`] (issuing and rotating tokens),
//! [`reauth`] (proving it is the account holder: password, second factor), [`totp`],
//! [`mail`] (SMTP or the local outbox file), [`events`].

pub mod config;
pub mod error;
pub mod events;
pub mod mail;
pub mod password;
pub mod reauth;
pub mod routes;
pub mod session;
pub mod totp;

use std::sync::Arc;

use accord_service::ServiceContext;
use axum::Router;

pub use config::AuthConfig;
pub use mail::{MailConfig, Mailer};

/// State of the auth routes.
#[derive(Clone)]
pub struct AuthState {
    pub ctx: ServiceContext,
    pub config: Arc<AuthConfig>,
    pub hasher: Arc<password::Hasher>,
    /// Where verification and reset mail goes.
    pub mailer: Mailer,
}

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext, config: AuthConfig, mailer: Mailer) -> Router {
    let hasher = Arc::new(password::Hasher::new(&config));
    routes::router().with_state(AuthState { ctx, config: Arc::new(config), hasher, mailer })
}
