//! Liveness, readiness, API roots and the JSON answers for unknown routes.

use accord_testkit::TestServer;

#[tokio::test]
async fn health_and_ready_answer_200() {
    let server = TestServer::spawn().await;
    let http = reqwest::Client::new();
    for path in ["/health", "/ready"] {
        let res = http.get(format!("{}{path}", server.url())).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn every_api_root_serves_the_same_routes() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    for root in ["/api/v10", "/api/v9", "/api"] {
        let api =
            accord_client::Client::new(format!("{}{root}", server.url())).authorized(format!("Bearer {}", alice.token));
        let me = api.get("/users/@me").await.unwrap();
        assert_eq!(me.status, 200, "{root}: {}", me.text);
        assert_eq!(me.body["id"], alice.id.as_str());
        assert_eq!(me.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn unknown_routes_answer_discords_404_body() {
    let server = TestServer::spawn().await;
    let answer = server.client().get("/no/such/route").await.unwrap();
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body["code"], 0);
    assert_eq!(answer.body["message"], "404: Not Found");
    assert_eq!(answer.body["error"], "not_found");
    assert!(answer.body["timestamp"].as_str().unwrap().ends_with("+00:00"));
}
