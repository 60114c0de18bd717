//! The web client (`web/`), built and embedded by the build script, served by the edge: its
//! files, and its page at each of its own paths (so a reload or a shared link to
//! `/channels/...` opens the client). Files go gzipped to clients that accept it; hashed
//! assets are cached for good, the page is revalidated.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

mod files {
    include!(concat!(env!("OUT_DIR"), "/files.rs"));
}

/// The client's own paths: each serves its page. `/` is served by [`page_at_root`], since
/// the gateway's WebSocket also answers there.
const PAGES: [&str; 6] = ["/login", "/register", "/app", "/channels/{*rest}", "/settings/{*rest}", "/invite/{code}"];

/// Scripts only from here; media, images and connections anywhere (attachments and voice
/// may live on other hosts); inline styles for React's style attributes; no framing.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src * data: blob:; media-src * blob:; connect-src *; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'; form-action 'self'";

/// Shown when the binary was built without Node.js, so without the client.
const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Accord</title>\
<p>This Accord binary was built without its web client. Install Node.js 20 and npm, then \
rebuild (<code>cargo build --release</code>); the API is at <code>/api/v10</code>.</p>";

/// Whether the client was built into this binary.
pub fn is_built() -> bool {
    file("/index.html").is_some()
}

/// Routes for the client's files and pages.
pub fn router() -> Router {
    let mut router = Router::new();
    for page in PAGES {
        router = router.route(page, get(page_response));
    }
    for (path, _, _) in files::FILES.iter().filter(|(path, _, _)| *path != "/index.html") {
        router = router.route(path, get(move |headers: HeaderMap| async move { serve(path, &headers) }));
    }
    router
}

/// Middleware for the router that holds `/`: a plain `GET /` (not a WebSocket upgrade, which
/// goes on to the gateway) gets the client's page.
pub async fn page_at_root(request: Request, next: Next) -> Response {
    let upgrade = request.headers().get(header::UPGRADE).is_some();
    if request.uri().path() == "/" && request.method() == Method::GET && !upgrade {
        return page_response(request.headers().clone()).await;
    }
    next.run(request).await
}

fn file(path: &str) -> Option<&'static (&'static str, &'static [u8], &'static [u8])> {
    files::FILES.iter().find(|(p, _, _)| *p == path)
}

async fn page_response(headers: HeaderMap) -> Response {
    if !is_built() {
        return page_headers(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], NOT_BUILT).into_response());
    }
    page_headers(serve("/index.html", &headers))
}

fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn serve(path: &str, request: &HeaderMap) -> Response {
    let Some((_, plain, gzipped)) = file(path) else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let gzip = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let cache = if path.starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = if gzip { gzipped.into_response() } else { plain.into_response() };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests;
