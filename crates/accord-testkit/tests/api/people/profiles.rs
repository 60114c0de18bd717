//! Profiles: bio, pronouns, banner and accent colour on `/users/@me`, public fields on
//! `/users/{id}`, and `/users/{id}/profile` with what the caller shares with the user.

use accord_testkit::uploads::{data_uri, png};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::befriend;

#[tokio::test]
async fn profile_fields_are_set_read_and_announced() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let stranger = server.user("stranger").await;
    let mut events = server.events().await;

    let body = json!({
        "bio": "I like walruses", "pronouns": "she/her", "accent_color": 0x3366ff,
        "banner": data_uri("image/png", &png(8, 4)),
    });
    let changed = alice.api.patch("/users/@me", body).await.unwrap();

    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["bio"], "I like walruses");
    assert_eq!(changed.body["accent_color"], 0x3366ff);
    let banner = changed.body["banner"].as_str().unwrap().to_owned();
    let update = events.expect("USER_UPDATE").await;
    assert_eq!(update.data["bio"], "I like walruses");
    let public = bob.api.get(&format!("/users/{}", alice.id)).await.unwrap();
    assert_eq!(public.body["banner"], banner.as_str());
    assert!(public.body.get("email").is_none() && public.body.get("bio").is_none(), "{}", public.text);
    let file = reqwest::get(format!("{}/banners/{}/{banner}.png", server.url(), alice.id)).await.unwrap();
    assert_eq!(file.status(), 200);
    let profile = bob.api.get(&format!("/users/{}/profile", alice.id)).await.unwrap();
    assert_eq!(profile.body["user_profile"]["pronouns"], "she/her");
    let hidden = stranger.api.get(&format!("/users/{}/profile", alice.id)).await.unwrap();
    assert_error(&hidden, 404, 10013);
    assert_eq!(
        stranger.api.get(&format!("/users/{}", alice.id)).await.unwrap().status,
        200,
        "the user object is public"
    );
}

#[tokio::test]
async fn a_profile_shows_the_guilds_and_friends_in_common() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.user("carol").await;
    let _elsewhere = server.guild(&carol).await;
    befriend(&alice, &carol).await;
    befriend(&bob, &carol).await;

    let profile = alice.api.get(&format!("/users/{}/profile", bob.id)).await.unwrap();

    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_eq!(profile.body["user"]["id"], bob.id.as_str());
    let guilds: Vec<_> = profile.body["mutual_guilds"].as_array().unwrap().iter().map(|g| &g["id"]).collect();
    assert_eq!(guilds, [&json!(guild.id)]);
    assert_eq!(profile.body["mutual_friends"][0]["id"], carol.id.as_str());
    assert_eq!(profile.body["mutual_friends_count"], 1);
    assert_error(&alice.api.get("/users/1/profile").await.unwrap(), 404, 10013);
}

#[tokio::test]
async fn bad_profile_fields_are_refused_and_change_nothing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    for body in [
        json!({ "bio": "x".repeat(191) }),
        json!({ "pronouns": "x".repeat(41) }),
        json!({ "accent_color": 0x1000000 }),
        json!({ "banner": "data:text/html;base64,PGI+" }),
    ] {
        let answer = alice.api.patch("/users/@me", body).await.unwrap();
        assert_eq!(answer.status, 400, "{}", answer.text);
    }
    let me = alice.api.get("/users/@me").await.unwrap();
    assert_eq!(me.body["bio"], "");
    assert!(me.body["banner"].is_null());
}
