//! Per-address limits on login and registration (seed 001: 5 a minute), answered the way
//! Discord libraries expect: `X-RateLimit-*` headers on every limited route, and on 429 a
//! `Retry-After`, `X-RateLimit-Scope`, a `Via` header (discord.py treats a 429 without one
//! as a proxy ban) and the `{message, retry_after, global}` body.
//!
//! Fixed one-minute windows per (address, route): simple, exact `Remaining` counts, and
//! bounded memory (expired windows are swept as new ones open).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_core::code;
use accord_core::time::now_ms;
use accord_service::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_address::ClientAddress;

const WINDOW: Duration = Duration::from_secs(60);
/// Windows kept before a sweep of expired ones.
const SWEEP_AT: usize = 10_000;

/// Limited routes, by path suffix, with their bucket names.
const LIMITED: &[(&str, &str)] = &[("/auth/login", "auth-login"), ("/auth/register", "auth-register")];

/// Open windows: (address, bucket) -> (window start, requests so far).
type Windows = HashMap<(IpAddr, &'static str), (Instant, u32)>;

pub struct AuthLimiter {
    per_window: u32,
    /// Shared by every request; held only while one window is checked and counted.
    windows: Mutex<Windows>,
}

/// The outcome of one request against its window.
struct Verdict {
    allowed: bool,
    remaining: u32,
    reset_after: Duration,
}

impl AuthLimiter {
    pub fn new(per_window: u32) -> Self {
        Self { per_window, windows: Mutex::new(HashMap::new()) }
    }

    fn check(&self, ip: IpAddr, bucket: &'static str) -> Verdict {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry((ip, bucket)).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        let reset_after = WINDOW.saturating_sub(now.duration_since(entry.0));
        if entry.1 >= self.per_window {
            return Verdict { allowed: false, remaining: 0, reset_after };
        }
        entry.1 += 1;
        Verdict { allowed: true, remaining: self.per_window - entry.1, reset_after }
    }
}

pub async fn limit_auth_attempts(State(limiter): State<Arc<AuthLimiter>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let Some(&(_, bucket)) = LIMITED.iter().find(|(suffix, _)| path.ends_with(suffix)) else {
        return next.run(req).await;
    };
    let ip = req.extensions().get::<ClientAddress>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0);
    let verdict = limiter.check(ip, bucket);
    let mut response = if verdict.allowed { next.run(req).await } else { too_many(&verdict) };
    set_headers(response.headers_mut(), limiter.per_window, &verdict, bucket);
    response
}

/// Discord's 429, rendered like every other error (with `retry_after`, `Retry-After`, `Via`).
fn too_many(verdict: &Verdict) -> Response {
    let retry_after = (verdict.reset_after.as_secs_f64() * 1000.0).ceil() / 1000.0;
    ApiError { code: &code::RATE_LIMITED, errors: None, retry_after: Some(retry_after) }.into_response()
}

fn set_headers(headers: &mut HeaderMap, limit: u32, verdict: &Verdict, bucket: &'static str) {
    let reset_after = verdict.reset_after.as_secs_f64();
    let reset_at = now_ms() as f64 / 1000.0 + reset_after;
    let float = |v: f64| HeaderValue::from_str(&format!("{v:.3}")).unwrap_or(HeaderValue::from_static("0"));
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(verdict.remaining));
    headers.insert("x-ratelimit-reset", float(reset_at));
    headers.insert("x-ratelimit-reset-after", float(reset_after));
    headers.insert("x-ratelimit-bucket", HeaderValue::from_static(bucket));
    headers.entry("x-ratelimit-scope").or_insert(HeaderValue::from_static("user"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_its_quota_then_refuses_per_address() {
        let limiter = AuthLimiter::new(2);
        let a = IpAddr::from([127, 0, 0, 1]);
        let b = IpAddr::from([127, 0, 0, 2]);
        assert_eq!(limiter.check(a, "x").remaining, 1);
        assert!(limiter.check(a, "x").allowed);
        assert!(!limiter.check(a, "x").allowed);
        assert!(limiter.check(a, "y").allowed);
        assert!(limiter.check(b, "x").allowed);
    }
}
