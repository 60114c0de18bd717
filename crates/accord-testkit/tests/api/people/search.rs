//! User search: by the start of a username or display name, among people the searcher may
//! find (a shared guild, a friend, or someone discoverable), never someone who blocks them.

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::befriend;

fn names(list: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> =
        list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn only_people_one_may_find_are_found() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    server.member(&guild, "sam_neighbour").await;
    let friend = server.user("sam_friend").await;
    let public = server.user("sam_public").await;
    server.user("sam_stranger").await;
    let blocker = server.member(&guild, "sam_blocker").await;
    befriend(&alice, &friend).await;
    assert_eq!(public.api.patch("/users/@me/settings", json!({ "discoverable": true })).await.unwrap().status, 200);
    let block = blocker.api.put(&format!("/users/@me/relationships/{}", alice.id), json!({ "type": 2 })).await;
    assert_eq!(block.unwrap().status, 204);

    let found = alice.api.get("/users/search?q=SAM").await.unwrap();

    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(names(&found.body), ["sam_friend", "sam_neighbour", "sam_public"]);
    assert!(found.body[0].get("email").is_none(), "public fields only");
    let limited = alice.api.get("/users/search?q=sam&limit=1").await.unwrap();
    assert_eq!(limited.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn display_names_are_searched_too_and_bad_queries_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    assert_eq!(bob.api.patch("/users/@me", json!({ "global_name": "Robert" })).await.unwrap().status, 200);

    let found = alice.api.get("/users/search?q=rob").await.unwrap();

    assert_eq!(names(&found.body), ["bob"]);
    assert_error(&alice.api.get("/users/search?q=").await.unwrap(), 400, 50035);
    assert_error(&alice.api.get("/users/search?q=a&limit=26").await.unwrap(), 400, 50035);
    assert_error(&alice.api.get("/users/search").await.unwrap(), 400, 50035);
    assert_eq!(server.client().get("/users/search?q=b").await.unwrap().status, 401);
}
