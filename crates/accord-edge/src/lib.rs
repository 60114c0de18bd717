//! The edge: Accord's public HTTP port. It mounts the services' routes under every API root
//! (`/api/v10`, `/api/v9`, `/api`), authenticates every request, limits auth attempts per
//! client address, caps bodies, forwards what runs in other processes, and answers unknown
//! routes with Discord's JSON errors.
//!
//! Parts: [`config`], [`authenticate`] (tokens to a [`accord_service::Principal`]),
//! [`client_address`] (the client behind trusted proxies),
//! [`rate_limit`] (per-address windows on auth, with Discord's headers), [`api_limit`] (per-caller
//! and per-route windows on the whole API), [`health`],
//! [`route`] (which service answers a path), [`forward`] (to other processes, with retries and
//! circuit breakers; the gateway's WebSocket proxied).

pub mod api_limit;
pub mod authenticate;
pub mod client_address;
pub mod config;
pub mod forward;
pub mod health;
pub mod rate_limit;
pub mod route;

use std::sync::Arc;

use accord_core::code;
use accord_service::{ApiError, ServiceContext};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;

pub use config::EdgeConfig;

/// What a process's port is for.
pub enum Role {
    /// The public entry point: auth attempts are limited here, and with a forwarder, routes
    /// of services this process does not run go to instances that do.
    Public { forwarder: Option<Arc<forward::Forwarder>> },
    /// A service's port inside the cluster, reached through the edge, which has already
    /// limited the request.
    Internal,
}

/// The whole app of a process: API roots with `api` mounted under each, `top_level` routes
/// (the gateway's WebSocket endpoint, or its proxy), health endpoints, fallbacks.
/// Fails only on a malformed `trusted_proxies` entry.
pub fn app(
    ctx: ServiceContext,
    config: EdgeConfig,
    api: Router,
    top_level: Router,
    role: Role,
) -> Result<Router, String> {
    let trusted = Arc::new(client_address::TrustedProxies::parse(&config.trusted_proxies)?);
    let mut api = api.method_not_allowed_fallback(|| async { ApiError::new(&code::METHOD_NOT_ALLOWED) });
    if let Role::Public { forwarder } = &role {
        if let Some(forwarder) = forwarder.clone() {
            let max_body_bytes = config.max_body_bytes;
            api = api.fallback(move |request| forward::fallback(forwarder.clone(), max_body_bytes, request));
        }
        let limiter = Arc::new(rate_limit::AuthLimiter::new(config.auth_attempts_per_minute, ctx.kv.clone()));
        api = api.layer(middleware::from_fn_with_state(limiter, rate_limit::limit_auth_attempts));
        let limits = &config;
        let limiter =
            api_limit::ApiLimiter::new(limits.api_requests_per_minute, limits.messages_per_10_seconds, ctx.kv.clone());
        api = api.layer(middleware::from_fn_with_state(Arc::new(limiter), api_limit::limit_api));
    }
    let api = api.layer(middleware::from_fn_with_state(ctx.clone(), authenticate::authenticate));
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
