//! Forwarding to services that run in other processes. The edge looks the service up in the
//! [`Directory`] (the cluster registry), sends the request to a healthy instance with a
//! timeout, retries with backoff on another instance when that is safe (a request that never
//! reached the upstream, or an idempotent one), and keeps a circuit breaker per upstream so
//! a dead instance stops costing every request a timeout.
//!
//! Parts: [`breaker`]; [`websocket`] (the gateway's WebSocket, proxied to a gateway node).

pub mod breaker;
pub mod websocket;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_core::code;
use accord_service::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use self::breaker::Breaker;
use crate::client_address::ClientAddress;
use crate::route::{Service, service_of};

/// Attempts per request, each on the next candidate instance.
const ATTEMPTS: usize = 3;
/// The first retry's pause; it doubles.
const BACKOFF: Duration = Duration::from_millis(50);

/// One running instance, as the registry lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// `host:port` where the instance serves HTTP.
    pub address: String,
    pub services: Vec<Service>,
    /// Open WebSocket sessions and requests in flight: new work goes to the least loaded.
    pub load: u64,
}

/// The live instances of each service. Lookups are on the request path, so an
/// implementation answers from memory (the registry refreshes it in the background).
pub trait Directory: Send + Sync + 'static {
    fn instances(&self, service: Service) -> Vec<Instance>;
}

pub struct Forwarder {
    client: reqwest::Client,
    directory: Arc<dyn Directory>,
    /// Per upstream address; held only to read or update one breaker.
    breakers: Mutex<HashMap<String, Breaker>>,
    /// Spreads requests over instances of equal load.
    turn: AtomicUsize,
}

/// Headers that belong to one hop and are not passed on.
const HOP_BY_HOP: [HeaderName; 7] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

impl Forwarder {
    /// A forwarder whose upstream requests give up after `timeout`.
    pub fn new(directory: Arc<dyn Directory>, timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(2))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client without TLS always builds");
        Self { client, directory, breakers: Mutex::default(), turn: AtomicUsize::new(0) }
    }

    fn breakers(&self) -> std::sync::MutexGuard<'_, HashMap<String, Breaker>> {
        self.breakers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Instances of `service` to try in order: closed circuits first, least loaded first,
    /// rotating among equals.
    pub fn candidates(&self, service: Service) -> Vec<Instance> {
        let mut instances = self.directory.instances(service);
        if instances.is_empty() {
            return instances;
        }
        let turn = self.turn.fetch_add(1, Ordering::Relaxed) % instances.len();
        instances.rotate_left(turn);
        let breakers = self.breakers();
        instances.sort_by_key(|i| (breakers.get(&i.address).is_some_and(Breaker::is_open), i.load));
        instances
    }

    /// Takes the breaker's permission to use `address` now.
    pub fn allow(&self, address: &str) -> bool {
        self.breakers().entry(address.to_owned()).or_default().allow()
    }

    pub fn record(&self, address: &str, ok: bool) {
        let mut breakers = self.breakers();
        let breaker = breakers.entry(address.to_owned()).or_default();
        if ok { breaker.success() } else { breaker.failure() }
    }

    /// Sends `request` to an instance of `service`, retrying where safe.
    pub async fn forward(&self, service: Service, request: Request, body: Bytes) -> Response {
        let (parts, _) = request.into_parts();
        let idempotent =
            matches!(parts.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS);
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let headers = upstream_headers(&parts.headers, parts.extensions.get::<ClientAddress>());
        let candidates = self.candidates(service);
        let mut pause = BACKOFF;
        let mut attempts = 0;
        for instance in candidates.iter().cycle().take(ATTEMPTS.max(candidates.len().min(ATTEMPTS))) {
            if !self.allow(&instance.address) {
                continue;
            }
            if attempts > 0 {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            attempts += 1;
            let sent = self
                .client
                .request(parts.method.clone(), format!("http://{}{path}", instance.address))
                .headers(headers.clone())
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(answer) if is_unavailable(answer.status()) && idempotent => {
                    self.record(&instance.address, false);
                    tracing::warn!(%service, upstream = %instance.address, status = %answer.status(), "retrying elsewhere");
                }
                Ok(answer) => {
                    self.record(&instance.address, !is_unavailable(answer.status()));
                    return into_response(answer).await;
                }
                Err(error) => {
                    self.record(&instance.address, false);
                    // A refused connection never reached the service: safe to retry any request.
                    let retry = error.is_connect() || idempotent;
                    tracing::warn!(%service, upstream = %instance.address, %error, retry, "forwarding failed");
                    if !retry {
                        return unavailable(StatusCode::BAD_GATEWAY);
                    }
                }
            }
        }
        unavailable(StatusCode::SERVICE_UNAVAILABLE)
    }
}

fn is_unavailable(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

fn upstream_headers(incoming: &HeaderMap, client: Option<&ClientAddress>) -> HeaderMap {
    let mut headers = incoming.clone();
    // Host stays: what the upstream builds from it (the gateway's URL) must name the edge.
    for name in HOP_BY_HOP.iter().chain([&header::CONTENT_LENGTH]) {
        headers.remove(name);
    }
    if let Some(ClientAddress(ip)) = client {
        // The upstream trusts the edge's word on who the client is (it lists the edge among
        // its trusted proxies), so it sees the client's address, not the edge's.
        headers.remove("x-forwarded-for");
        if let Ok(value) = ip.to_string().parse() {
            headers.insert("x-forwarded-for", value);
        }
    }
    headers
}

async fn into_response(answer: reqwest::Response) -> Response {
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut headers = answer.headers().clone();
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    headers.remove(header::CONTENT_LENGTH);
    match answer.bytes().await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(error) => {
            tracing::warn!(%error, "upstream answer cut short");
            unavailable(StatusCode::BAD_GATEWAY)
        }
    }
}

/// No instance could answer: Discord's JSON error with 502 or 503.
fn unavailable(status: StatusCode) -> Response {
    let mut response = ApiError::new(&code::SERVICE_UNAVAILABLE).into_response();
    *response.status_mut() = status;
    response
}

/// Forwards the media service's top-level paths (`/attachments/...`, `/icons/...`,
/// `/avatars/...`), for an edge that does not run it.
pub fn media_router(forwarder: Arc<Forwarder>, max_body_bytes: usize) -> axum::Router {
    let mut router = axum::Router::new();
    for root in crate::route::MEDIA_ROOTS {
        let forwarder = forwarder.clone();
        let handler = move |r| fallback(forwarder, max_body_bytes, r);
        router = router.route(&format!("{root}{{*rest}}"), axum::routing::any(handler));
    }
    router
}

/// The most body the edge reads for a forwarded request: the general limit, or more for the
/// routes that take uploads (message files, icons and avatars as data URIs), which their
/// services check in detail.
pub fn body_limit(method: &axum::http::Method, path: &str, general: usize) -> usize {
    let rest = crate::route::API_ROOTS.iter().find_map(|root| path.strip_prefix(root)).unwrap_or(path);
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let upload = match (method.as_str(), segments.as_slice()) {
        ("POST", ["channels", _, "messages"]) => accord_files::upload::envelope(&accord_files::UploadLimits::default()),
        ("PATCH", ["users", "@me"] | ["guilds", _]) => accord_files::MAX_IMAGE_BODY_BYTES,
        _ => 0,
    };
    general.max(upload)
}

/// The edge's fallback under the API roots: a route of a service this process does not run
/// goes to an instance that does; anything else is Discord's 404. The body is read whole (a
/// retry needs it again), up to [`body_limit`]: 413 past it.
pub async fn fallback(forwarder: Arc<Forwarder>, max_body_bytes: usize, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    // Under a nested API root the URI has lost its prefix; the upstream needs all of it.
    if let Some(OriginalUri(original)) = parts.extensions.get::<OriginalUri>() {
        parts.uri = original.clone();
    }
    let Some(service) = service_of(parts.uri.path()) else {
        return ApiError::new(&code::NOT_FOUND).into_response();
    };
    let limit = body_limit(&parts.method, parts.uri.path(), max_body_bytes);
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return ApiError::new(&code::PAYLOAD_TOO_LARGE).into_response();
    };
    forwarder.forward(service, Request::from_parts(parts, Body::empty()), body).await
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::body_limit;

    #[test]
    fn upload_routes_may_carry_more_than_the_general_limit_and_nothing_else_does() {
        let general = 1024 * 1024;
        assert!(body_limit(&Method::POST, "/api/v10/channels/1/messages", general) > 50 * 1024 * 1024);
        assert!(body_limit(&Method::PATCH, "/api/v10/users/@me", general) > 10 * 1024 * 1024);
        assert!(body_limit(&Method::PATCH, "/api/guilds/1", general) > 10 * 1024 * 1024);
        for (method, path) in [
            (Method::PATCH, "/api/v10/channels/1/messages/2"),
            (Method::POST, "/api/v10/channels/1/messages/2/reactions"),
            (Method::POST, "/api/v10/guilds/1/channels"),
            (Method::GET, "/attachments/1/2/a.png"),
        ] {
            assert_eq!(body_limit(&method, path, general), general, "{method} {path}");
        }
    }
}
