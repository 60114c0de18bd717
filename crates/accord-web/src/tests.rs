use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use super::*;

async fn get(path: &str, gzip: bool) -> Response {
    let mut request = Request::get(path);
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "br, gzip");
    }
    router().oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

async fn bytes(response: Response) -> Vec<u8> {
    axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()
}

#[tokio::test]
async fn each_client_path_serves_the_page_with_a_strict_policy() {
    for path in ["/login", "/channels/@me", "/channels/1/2", "/invite/abc", "/settings/account"] {
        let response = get(path, false).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        let page = String::from_utf8(bytes(response).await).unwrap();
        assert!(page.contains("<title>Accord</title>"), "{path}: {page}");
    }
}

#[tokio::test]
async fn assets_are_gzipped_on_request_and_cached_for_good() {
    assert!(is_built(), "the client was built into this crate");
    let (script, plain, _) = files::FILES.iter().find(|(p, _, _)| p.ends_with(".js")).expect("a script");
    let zipped = get(script, true).await;
    assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(zipped.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    let compressed = bytes(zipped).await;
    assert!(compressed.len() < plain.len() / 2, "gzip pays: {} of {}", compressed.len(), plain.len());
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2_reader(&compressed), &mut unzipped).unwrap();
    assert_eq!(&unzipped, plain);

    let raw = get(script, false).await;
    assert!(raw.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(bytes(raw).await, *plain);
}

#[tokio::test]
async fn the_root_serves_the_page_but_lets_websocket_upgrades_through() {
    let app = || {
        Router::new()
            .route("/", axum::routing::get(|| async { "gateway" }))
            .layer(axum::middleware::from_fn(page_at_root))
    };
    let page = app().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(page.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let upgrade = Request::get("/").header(header::UPGRADE, "websocket").body(Body::empty()).unwrap();
    assert_eq!(bytes(app().oneshot(upgrade).await.unwrap()).await, b"gateway");
}

#[tokio::test]
async fn other_paths_are_not_the_clients() {
    assert_eq!(get("/assets/missing.js", false).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get("/nothing-here", false).await.status(), StatusCode::NOT_FOUND);
}

fn flate2_reader(bytes: &[u8]) -> impl std::io::Read + '_ {
    flate2::read::GzDecoder::new(bytes)
}
