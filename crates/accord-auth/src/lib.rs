//! The auth service: accounts and credentials (Argon2id, off the async threads), login
//! sessions with short-lived access tokens and rotating refresh tokens, and applications
//! with their bot tokens.
//!
//! Parts: [`config`], [`error`], [`password`] (rules and hashing), [`routes`] (`/auth/*`,
//! `/applications/*`, `/oauth2/applications/@me`), [`session`] (issuing and rotating tokens).

pub mod config;
pub mod error;
pub mod password;
pub mod routes;
pub mod session;

use std::sync::Arc;

use accord_service::ServiceContext;
use axum::Router;

pub use config::AuthConfig;

/// State of the auth routes.
#[derive(Clone)]
pub struct AuthState {
    pub ctx: ServiceContext,
    pub config: Arc<AuthConfig>,
    pub hasher: Arc<password::Hasher>,
}

/// The service's routes, relative to the API root.
pub fn router(ctx: ServiceContext, config: AuthConfig) -> Router {
    let hasher = Arc::new(password::Hasher::new(&config));
    routes::router().with_state(AuthState { ctx, config: Arc::new(config), hasher })
}
