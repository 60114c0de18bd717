//! Invite options: `unique` (an equal invite is reused unless asked otherwise), `with_counts`
//! (members and those online), `with_expiration`, and use counts with `max_uses`.

use accord_testkit::TestServer;
use serde_json::json;

use super::gateway::{MESSAGES, session};

#[tokio::test]
async fn an_equal_invite_is_reused_unless_a_unique_one_is_asked_for() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/channels/{}/invites", guild.text);

    let first = alice.api.post(&path, json!({ "max_age": 3600 })).await.unwrap();
    let again = alice.api.post(&path, json!({ "max_age": 3600 })).await.unwrap();
    let other = alice.api.post(&path, json!({ "max_age": 600 })).await.unwrap();
    let unique = alice.api.post(&path, json!({ "max_age": 3600, "unique": true })).await.unwrap();

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["code"], again.body["code"], "an equal invite is reused");
    assert_ne!(first.body["code"], other.body["code"], "other settings, another invite");
    assert_ne!(first.body["code"], unique.body["code"]);
    let listed = alice.api.get(&format!("/guilds/{}/invites", guild.id)).await.unwrap();
    assert_eq!(listed.body.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn with_counts_adds_members_and_those_online() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    server.member(&guild, "bob").await;
    let (_online, _) = session(&server, &alice, MESSAGES).await;
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), json!({})).await.unwrap();
    let code = invite.body["code"].as_str().unwrap();
    let anonymous = server.client();

    let plain = anonymous.get(&format!("/invites/{code}")).await.unwrap();
    let counted = anonymous.get(&format!("/invites/{code}?with_counts=true&with_expiration=true")).await.unwrap();

    assert_eq!(plain.status, 200, "{}", plain.text);
    assert!(plain.body.get("approximate_member_count").is_none(), "{}", plain.text);
    assert_eq!(counted.body["approximate_member_count"], 2, "{}", counted.text);
    assert_eq!(counted.body["approximate_presence_count"], 1, "alice is online, bob is not");
    assert!(counted.body["expires_at"].as_str().is_some_and(|t| t.ends_with("+00:00")));
    let with_guild = alice.api.get(&format!("/guilds/{}?with_counts=true", guild.id)).await.unwrap();
    assert_eq!(with_guild.body["approximate_presence_count"], 1);
}

#[tokio::test]
async fn uses_are_counted_up_to_max_uses() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), json!({ "max_uses": 2 })).await.unwrap();
    let code = invite.body["code"].as_str().unwrap().to_owned();

    for name in ["bob", "carol"] {
        let user = server.user(name).await;
        assert_eq!(user.api.post(&format!("/invites/{code}"), json!({})).await.unwrap().status, 200);
        if name == "bob" {
            let listed = alice.api.get(&format!("/guilds/{}/invites", guild.id)).await.unwrap();
            assert_eq!(listed.body[0]["uses"], 1);
        }
    }
    let dave = server.user("dave").await;
    let refused = dave.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();
    accord_testkit::assert_error(&refused, 404, 10006);
}

#[tokio::test]
async fn temporary_members_leave_once_offline_unless_given_a_role() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let body = json!({ "temporary": true });
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), body).await.unwrap();
    let code = invite.body["code"].as_str().unwrap().to_owned();
    let (away, online, promoted) = (server.user("away").await, server.user("online").await, server.user("kept").await);
    for user in [&away, &online, &promoted] {
        assert_eq!(user.api.post(&format!("/invites/{code}"), json!({})).await.unwrap().status, 200);
    }
    let (onlines_session, _) = session(&server, &online, MESSAGES).await;
    let role = guild.role("regular", 0).await;
    guild.assign(&promoted, &role).await;
    let mut events = server.events().await;
    let later = accord_core::time::now_ms() + accord_guilds::temporary::GRACE.as_millis() as u64 + 1000;

    let removed = accord_guilds::temporary::remove_offline(&server.ctx, later).await.unwrap();

    assert_eq!(removed, 1, "only the member who never came online");
    assert_eq!(events.expect("GUILD_MEMBER_REMOVE").await.data["user"]["id"], away.id.as_str());
    let member = |user: &accord_testkit::TestUser| format!("/guilds/{}/members/{}", guild.id, user.id);
    assert_eq!(alice.api.get(&member(&away)).await.unwrap().status, 404);
    assert_eq!(alice.api.get(&member(&online)).await.unwrap().status, 200);
    let too_soon = accord_guilds::temporary::remove_offline(&server.ctx, accord_core::time::now_ms()).await.unwrap();
    assert_eq!(too_soon, 0);

    onlines_session.close(1000).await.unwrap();
    let mut gone = 0;
    for _ in 0..50 {
        gone = accord_guilds::temporary::remove_offline(&server.ctx, later).await.unwrap();
        if gone > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(gone, 1, "gone once offline");
    assert_eq!(alice.api.get(&member(&promoted)).await.unwrap().status, 200, "a role makes a member permanent");
}
