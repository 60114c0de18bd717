//! The edge: Accord's public HTTP port. It mounts the services' routes under every API root
//! (`/api/v10`, `/api/v9`, `/api`), authenticates every request, limits auth attempts per
//! client address, caps bodies, and answers unknown routes with Discord's JSON errors.
//!
//! Parts: [`config`], [`authenticate`] (tokens to a [`accord_service::Principal`]),
//! [`client_address`] (the client behind trusted proxies),
//! [`rate_limit`] (per-address windows in the shared state, with Discord's headers), [`health`].

pub mod authenticate;
pub mod client_address;
pub mod config;
pub mod health;
pub mod rate_limit;

use std::sync::Arc;

use accord_core::code;
use accord_service::{ApiError, ServiceContext};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;

pub use config::EdgeConfig;

/// The whole public app: API roots with `api` mounted under each, `top_level` routes (the
/// gateway's WebSocket endpoint), health endpoints, fallbacks.
/// Fails only on a malformed `trusted_proxies` entry.
pub fn app(ctx: ServiceContext, config: EdgeConfig, api: Router, top_level: Router) -> Result<Router, String> {
    let trusted = Arc::new(client_address::TrustedProxies::parse(&config.trusted_proxies)?);
    let limiter = Arc::new(rate_limit::AuthLimiter::new(config.auth_attempts_per_minute, ctx.kv.clone()));
    let api = api
        .layer(middleware::from_fn_with_state(limiter, rate_limit::limit_auth_attempts))
        .layer(middleware::from_fn_with_state(ctx.clone(), authenticate::authenticate))
        .method_not_allowed_fallback(|| async { ApiError::new(&code::METHOD_NOT_ALLOWED) });
    let app = Router::new()
        .nest("/api/v10", api.clone())
        .nest("/api/v9", api.clone())
        .nest("/api", api)
        .merge(top_level)
        .route("/health", get(health::live))
        .route("/ready", get(health::ready).with_state(ctx))
        .fallback(|| async { ApiError::new(&code::NOT_FOUND) })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(trusted, client_address::resolve));
    Ok(app)
}
