//! Forwarding against real upstream servers on loopback: which instance gets a request,
//! what is retried where, and what a dead upstream costs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use accord_edge::forward::{Directory, Forwarder, Instance};
use accord_edge::route::Service;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::routing::any;

/// A directory that always lists the same instances.
struct Fixed(Vec<Instance>);

impl Directory for Fixed {
    fn instances(&self, service: Service) -> Vec<Instance> {
        self.0.iter().filter(|i| i.services.contains(&service)).cloned().collect()
    }
}

fn instance(id: &str, address: SocketAddr) -> Instance {
    Instance { id: id.into(), address: address.to_string(), services: vec![Service::Chat], load: 0 }
}

/// An upstream that counts its requests and answers `status` with its name.
async fn upstream(name: &'static str, status: StatusCode) -> (SocketAddr, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let app = Router::new().fallback(any(move |State(hits): State<Arc<AtomicUsize>>, _: Request| async move {
        hits.fetch_add(1, Ordering::SeqCst);
        (status, name)
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app.with_state(hits.clone())).into_future());
    (addr, hits)
}

/// An address nothing listens on.
fn dead_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

async fn send(forwarder: &Forwarder, method: Method) -> (StatusCode, String) {
    let request = Request::builder().method(method).uri("/api/v10/channels/1/messages").body(Body::empty()).unwrap();
    let response = forwarder.forward(Service::Chat, request, Bytes::new()).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_refused_connection_is_retried_on_another_instance_for_any_method() {
    let (live, hits) = upstream("live", StatusCode::OK).await;
    let directory = Fixed(vec![instance("dead", dead_address()), instance("live", live)]);
    let forwarder = Forwarder::new(Arc::new(directory), Duration::from_secs(2));

    for _ in 0..4 {
        assert_eq!(send(&forwarder, Method::POST).await, (StatusCode::OK, "live".into()));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn an_unavailable_answer_is_retried_elsewhere_only_for_idempotent_requests() {
    let (busy, busy_hits) = upstream("busy", StatusCode::SERVICE_UNAVAILABLE).await;
    let (live, _) = upstream("live", StatusCode::OK).await;
    let forwarder = Forwarder::new(Arc::new(Fixed(vec![instance("busy", busy)])), Duration::from_secs(2));
    // A POST that reached its upstream is not sent again: its answer goes back as it is.
    assert_eq!(send(&forwarder, Method::POST).await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy_hits.load(Ordering::SeqCst), 1);

    let both = Fixed(vec![instance("busy", busy), instance("live", live)]);
    let forwarder = Forwarder::new(Arc::new(both), Duration::from_secs(2));
    for _ in 0..4 {
        assert_eq!(send(&forwarder, Method::GET).await, (StatusCode::OK, "live".into()));
    }
}

#[tokio::test]
async fn a_dead_upstreams_circuit_opens_so_it_stops_costing_requests() {
    let (live, _) = upstream("live", StatusCode::OK).await;
    let directory = Fixed(vec![instance("dead", dead_address()), instance("live", live)]);
    let forwarder = Forwarder::new(Arc::new(directory), Duration::from_secs(2));
    for _ in 0..10 {
        send(&forwarder, Method::GET).await;
    }

    let candidates = forwarder.candidates(Service::Chat);

    assert_eq!(candidates[0].id, "live", "an open circuit sorts last");
    assert!(!forwarder.allow(&candidates[1].address), "the dead upstream's circuit is open");
}

#[tokio::test]
async fn with_no_instance_the_answer_is_a_503_json_error_at_once() {
    let forwarder = Forwarder::new(Arc::new(Fixed(Vec::new())), Duration::from_secs(2));
    let started = Instant::now();

    let (status, body) = send(&forwarder, Method::GET).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("\"code\":0"), "{body}");
    assert!(started.elapsed() < Duration::from_millis(500));
}
