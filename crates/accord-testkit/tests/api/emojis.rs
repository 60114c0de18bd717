//! Custom emoji: created from a data URI, listed, served at `/emojis/{id}.png`, renamed and
//! deleted with GUILD_EMOJIS_UPDATE, and usable as reactions in their guild only.

use accord_testkit::uploads::{data_uri, png};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn custom_emoji_are_created_served_used_and_deleted() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let path = format!("/guilds/{}/emojis", guild.id);
    let mut events = server.events().await;

    let image = png(32, 32);
    let created =
        alice.api.post(&path, json!({ "name": "party_parrot", "image": data_uri("image/png", &image) })).await;
    let created = created.unwrap();
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(created.body["name"], "party_parrot");
    assert_eq!(created.body["animated"], false);
    let update = events.expect("GUILD_EMOJIS_UPDATE").await;
    assert_eq!(update.data["emojis"][0]["id"], id.as_str());
    let served = reqwest::get(format!("{}/emojis/{id}.png", server.url())).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), image.as_slice());
    let listed = bob.api.get(&path).await.unwrap();
    assert_eq!(listed.body[0]["id"], id.as_str());
    let as_guild = bob.api.get(&format!("/guilds/{}", guild.id)).await.unwrap();
    assert_eq!(as_guild.body["emojis"][0]["name"], "party_parrot");

    let message = alice.say(&guild.text, "react").await;
    let react = |emoji: String| {
        let (api, path) =
            (bob.api.clone(), format!("/channels/{}/messages/{message}/reactions/{emoji}/@me", guild.text));
        async move { api.put(&path, json!({})).await.unwrap() }
    };
    assert_eq!(react(format!("whatever:{id}")).await.status, 204);
    let read = bob.api.get(&format!("/channels/{}/messages/{message}", guild.text)).await.unwrap();
    assert_eq!(read.body["reactions"][0]["emoji"], json!({ "id": id, "name": "party_parrot" }), "the stored name wins");
    assert_error(&react("nope:123456789012345678".to_owned()).await, 400, 10014);

    assert_error(&bob.api.patch(&format!("{path}/{id}"), json!({ "name": "mine" })).await.unwrap(), 403, 50013);
    let renamed = alice.api.patch(&format!("{path}/{id}"), json!({ "name": "parrot" })).await.unwrap();
    assert_eq!(renamed.body["name"], "parrot");
    assert_eq!(events.expect("GUILD_EMOJIS_UPDATE").await.data["emojis"][0]["name"], "parrot");
    assert_eq!(alice.api.delete(&format!("{path}/{id}")).await.unwrap().status, 204);
    assert_eq!(events.expect("GUILD_EMOJIS_UPDATE").await.data["emojis"], json!([]));
    assert_error(&alice.api.get(&format!("{path}/{id}")).await.unwrap(), 404, 10014);
    assert_eq!(reqwest::get(format!("{}/emojis/{id}.png", server.url())).await.unwrap().status(), 404);
}

#[tokio::test]
async fn bad_emoji_are_refused_and_stored_nowhere() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let outsider = server.user("outsider").await;
    let path = format!("/guilds/{}/emojis", guild.id);
    let image = data_uri("image/png", &png(8, 8));

    for bad in [
        json!({ "name": "a", "image": image }),
        json!({ "name": "has space", "image": image }),
        json!({ "name": "html", "image": data_uri("image/png", b"<html><script>alert(1)</script>") }),
        json!({ "name": "huge", "image": data_uri("image/png", &png(60_000, 60_000)) }),
        json!({ "name": "roles", "image": image, "roles": [guild.id] }),
    ] {
        assert_error(&alice.api.post(&path, bad).await.unwrap(), 400, 50035);
    }
    let mut big = png(8, 8);
    big.resize(300 * 1024, 0);
    assert_error(
        &alice.api.post(&path, json!({ "name": "big", "image": data_uri("image/png", &big) })).await.unwrap(),
        400,
        50035,
    );
    assert_error(&outsider.api.post(&path, json!({ "name": "x_x", "image": image })).await.unwrap(), 404, 10004);
    assert_eq!(alice.api.get(&path).await.unwrap().body, json!([]));
}
