//! Per-caller limits on the API (seed 001): every authenticated caller (or, without a token,
//! every client address) may make `api_requests_per_minute` requests in all, and routes with
//! a tighter limit of their own count in their own bucket too: sending messages, 10 per 10 s
//! per channel. Buckets are keyed on the route's template with Discord's major parameters
//! (the channel or guild id) kept, so `/channels/1/messages/2` and `/channels/1/messages/3`
//! share one, while two channels do not.
//!
//! Answers carry Discord's headers for the tightest bucket the route is in; a refusal is
//! Discord's 429 (`retry_after`, `global` true for the all-routes limit, `Retry-After`,
//! `X-RateLimit-Scope`, `Via`). Counted in the shared state, so every edge of a cluster counts
//! against the same windows. When the shared state is unavailable these limits fail open
//! (logged): refusing all traffic would be worse than briefly not limiting it.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use accord_core::code;
use accord_kv::{Decision, KvHandle, KvResult};
use accord_service::{ApiError, Principal};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_address::ClientAddress;
use crate::rate_limit::set_headers;

/// The all-routes window.
const GLOBAL_WINDOW: Duration = Duration::from_secs(60);

/// A route with a limit of its own: method, template (ids as `{id}`, major ids kept), the
/// bucket's name, its limit and window.
struct RouteLimit {
    method: Method,
    template: &'static str,
    bucket: &'static str,
    window: Duration,
}

/// Routes with limits of their own; their limits come from the config.
fn route_limits() -> [RouteLimit; 1] {
    [RouteLimit {
        method: Method::POST,
        template: "/channels/{major}/messages",
        bucket: "message-send",
        window: Duration::from_secs(10),
    }]
}

pub struct ApiLimiter {
    per_minute: u32,
    messages_per_window: u32,
    kv: KvHandle,
}

impl ApiLimiter {
    pub fn new(per_minute: u32, messages_per_window: u32, kv: KvHandle) -> Self {
        Self { per_minute, messages_per_window, kv }
    }

    async fn hit(&self, key: &str, limit: u32, window: Duration) -> KvResult<Decision> {
        self.kv.hit(key, limit, window).await
    }
}

pub async fn limit_api(State(limiter): State<Arc<ApiLimiter>>, req: Request, next: Next) -> Response {
    let path = api_path(req.uri().path());
    let caller = match req.extensions().get::<Principal>() {
        Some(p) => format!("u{}", p.user_id),
        None => format!("ip{}", req.extensions().get::<ClientAddress>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0)),
    };
    let (template, majors) = template_of(path);
    let global = match limiter.hit(&format!("api:{caller}"), limiter.per_minute, GLOBAL_WINDOW).await {
        Ok(decision) => decision,
        Err(error) => {
            tracing::warn!(%error, "API rate limit unavailable; letting the request through");
            return next.run(req).await;
        }
    };
    if !global.allowed {
        let mut response = too_many(&global, true);
        set_headers(response.headers_mut(), limiter.per_minute, &global, "global");
        return response;
    }
    let route = route_limits().into_iter().find(|r| r.method == req.method() && r.template == template);
    let Some(route) = route else {
        let mut response = next.run(req).await;
        // A tighter bucket inside (login's, per address) speaks for itself.
        if !response.headers().contains_key("x-ratelimit-bucket") {
            set_headers(response.headers_mut(), limiter.per_minute, &global, "global");
        }
        return response;
    };
    let key = format!("route:{}:{caller}:{}", route.bucket, majors.join(":"));
    let decision = match limiter.hit(&key, limiter.messages_per_window, route.window).await {
        Ok(decision) => decision,
        Err(error) => {
            tracing::warn!(%error, "route rate limit unavailable; letting the request through");
            return next.run(req).await;
        }
    };
    let mut response = if decision.allowed { next.run(req).await } else { too_many(&decision, false) };
    set_headers(response.headers_mut(), limiter.messages_per_window, &decision, route.bucket);
    response
}

/// The path below the API root. The limiter runs inside the routers nested at each root
/// (`/api/v10`, `/api/v9`, `/api`), which see paths without it; a full path is cut too.
fn api_path(path: &str) -> &str {
    let below = ["/api/v10", "/api/v9", "/api"].iter().find_map(|root| path.strip_prefix(root));
    below.filter(|rest| rest.starts_with('/')).unwrap_or(path)
}

/// A path's route template (other ids as `{id}`, reaction emoji as `{emoji}`, invite codes as
/// `{code}`) and its major parameters (channel, guild and webhook ids), which stand as
/// `{major}` in the template and key their own buckets.
fn template_of(path: &str) -> (String, Vec<&str>) {
    let mut template = String::new();
    let mut majors = Vec::new();
    let mut previous = "";
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let shown = match previous {
            "channels" | "guilds" | "webhooks" if segment.bytes().all(|b| b.is_ascii_digit()) => {
                majors.push(segment);
                "{major}"
            }
            "reactions" => "{emoji}",
            "invites" => "{code}",
            _ if segment.bytes().all(|b| b.is_ascii_digit()) => "{id}",
            _ => segment,
        };
        template.push('/');
        template.push_str(shown);
        previous = segment;
    }
    (template, majors)
}

/// Discord's 429 for `decision`; `global` for the all-routes limit.
fn too_many(decision: &Decision, global: bool) -> Response {
    let retry_after = (decision.reset_after.as_secs_f64() * 1000.0).ceil() / 1000.0;
    let error = ApiError { code: &code::RATE_LIMITED, errors: None, retry_after: Some(retry_after) };
    if !global {
        return error.into_response();
    }
    let mut body = error.body();
    body.global = Some(true);
    let mut response = (axum::http::StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert("retry-after", HeaderValue::from(retry_after.ceil().max(1.0) as u64));
    headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    headers.insert("x-ratelimit-scope", HeaderValue::from_static("global"));
    headers.insert("via", HeaderValue::from_static("1.1 accord"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_major_ids_and_hide_the_others() {
        let (template, majors) = template_of("/channels/12/messages/34/reactions/%F0%9F%91%8D/@me");
        assert_eq!(template, "/channels/{major}/messages/{id}/reactions/{emoji}/@me");
        assert_eq!(majors, ["12"]);
        assert_eq!(template_of("/channels/12/messages/35").0, template_of("/channels/12/messages/99").0);
        assert_eq!(template_of("/invites/abc").0, "/invites/{code}");
        assert_eq!(template_of("/guilds/5/members/6").1, ["5"]);
        assert_eq!(api_path("/api/v10/users/@me"), "/users/@me");
        assert_eq!(api_path("/users/@me"), "/users/@me");
    }
}
