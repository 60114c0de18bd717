//! Per-address limits on login, registration, two-factor codes and mail-sending requests
//! (seed 001: 5 a minute), answered the way Discord libraries expect: `X-RateLimit-*`
//! headers on every limited route, and on 429 a `Retry-After`, `X-RateLimit-Scope`, a `Via`
//! header (discord.py treats a 429 without one as a proxy ban) and the
//! `{message, retry_after, global}` body.
//!
//! Fixed one-minute windows per (address, route), counted in the shared state (`ctx.kv`), so
//! every node of a cluster counts against the same windows. When the shared state is
//! unavailable the limit fails closed: the attempt is refused with 503 and logged, since
//! letting unlimited password guesses through is worse than a short login outage.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use accord_core::code;
use accord_core::time::now_ms;
use accord_kv::{Decision, KvHandle, KvResult};
use accord_service::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_address::ClientAddress;

const WINDOW: Duration = Duration::from_secs(60);

/// Limited routes, by path suffix, with their bucket names: password and second-factor
/// guesses, and requests that send mail.
const LIMITED: &[(&str, &str)] = &[
    ("/auth/login", "auth-login"),
    ("/auth/register", "auth-register"),
    ("/auth/mfa/totp", "auth-mfa"),
    ("/auth/password-reset/request", "auth-reset-request"),
    ("/auth/verify-email/send", "auth-verify-email-send"),
];

pub struct AuthLimiter {
    per_window: u32,
    /// Where the windows are counted.
    kv: KvHandle,
}

impl AuthLimiter {
    pub fn new(per_window: u32, kv: KvHandle) -> Self {
        Self { per_window, kv }
    }

    /// Counts one attempt from `ip` on `bucket`.
    async fn check(&self, ip: IpAddr, bucket: &'static str) -> KvResult<Decision> {
        self.kv.hit(&format!("{bucket}:{ip}"), self.per_window, WINDOW).await
    }
}

pub async fn limit_auth_attempts(State(limiter): State<Arc<AuthLimiter>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let Some(&(_, bucket)) = LIMITED.iter().find(|(suffix, _)| path.ends_with(suffix)) else {
        return next.run(req).await;
    };
    let ip = req.extensions().get::<ClientAddress>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0);
    let decision = match limiter.check(ip, bucket).await {
        Ok(decision) => decision,
        Err(error) => {
            tracing::error!(%error, bucket, client = %ip, "auth rate limit unavailable; refusing the attempt");
            return ApiError::new(&code::SERVICE_UNAVAILABLE).into_response();
        }
    };
    let mut response = if decision.allowed { next.run(req).await } else { too_many(&decision) };
    set_headers(response.headers_mut(), limiter.per_window, &decision, bucket);
    response
}

/// Discord's 429, rendered like every other error (with `retry_after`, `Retry-After`, `Via`).
fn too_many(decision: &Decision) -> Response {
    let retry_after = (decision.reset_after.as_secs_f64() * 1000.0).ceil() / 1000.0;
    ApiError { code: &code::RATE_LIMITED, errors: None, retry_after: Some(retry_after) }.into_response()
}

pub(crate) fn set_headers(headers: &mut HeaderMap, limit: u32, decision: &Decision, bucket: &'static str) {
    let reset_after = decision.reset_after.as_secs_f64();
    let reset_at = now_ms() as f64 / 1000.0 + reset_after;
    let float = |v: f64| HeaderValue::from_str(&format!("{v:.3}")).unwrap_or(HeaderValue::from_static("0"));
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(decision.remaining));
    headers.insert("x-ratelimit-reset", float(reset_at));
    headers.insert("x-ratelimit-reset-after", float(reset_after));
    headers.insert("x-ratelimit-bucket", HeaderValue::from_static(bucket));
    headers.entry("x-ratelimit-scope").or_insert(HeaderValue::from_static("user"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_kv::MemoryKv;
    use accord_kv_redis::RedisKv;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::middleware;
    use axum::routing::post;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_window_allows_its_quota_then_refuses_per_address() {
        let limiter = AuthLimiter::new(2, Arc::new(MemoryKv::new()));
        let a = IpAddr::from([127, 0, 0, 1]);
        let b = IpAddr::from([127, 0, 0, 2]);
        assert_eq!(limiter.check(a, "x").await.unwrap().remaining, 1);
        assert!(limiter.check(a, "x").await.unwrap().allowed);
        assert!(!limiter.check(a, "x").await.unwrap().allowed);
        assert!(limiter.check(a, "y").await.unwrap().allowed);
        assert!(limiter.check(b, "x").await.unwrap().allowed);
    }

    /// A login route behind the limiter, counting in `kv`.
    fn login_app(kv: KvHandle) -> Router {
        Router::new()
            .route("/auth/login", post(|| async { "logged in" }))
            .route("/users/@me", post(|| async { "me" }))
            .layer(middleware::from_fn_with_state(Arc::new(AuthLimiter::new(5, kv)), limit_auth_attempts))
    }

    async fn post_to(app: Router, path: &str) -> Response {
        app.oneshot(axum::http::Request::post(path).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn with_the_shared_state_down_login_fails_closed_with_503_and_discords_error_body() {
        let down: KvHandle = Arc::new(RedisKv::lazy("redis://127.0.0.1:1/", "t:").unwrap());

        let refused = post_to(login_app(down.clone()), "/auth/login").await;
        let unlimited = post_to(login_app(down), "/users/@me").await;

        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.headers().get("x-ratelimit-remaining").is_none());
        let body = axum::body::to_bytes(refused.into_body(), 4096).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], 0);
        assert_eq!(body["error"], "service_unavailable");
        assert_eq!(body["message"], "Service Unavailable");
        assert_eq!(unlimited.status(), StatusCode::OK, "routes without a limit do not touch the shared state");
    }
}
