//! The payloads of users and their accounts (the user object with a banner and accent colour,
//! the current user once verified, USER_UPDATE from the users and the auth service), presence
//! set over REST (as published and as a gateway delivers it), and the counts of guilds and
//! invites, parsed by twilight-model.

mod common;

use std::time::Duration;

use accord_testkit::uploads::{data_uri, png};
use accord_testkit::{TestServer, TestUser};
use common::{ok, parses};
use serde_json::{Value, json};
use twilight_model::gateway::payload::incoming::{PresenceUpdate, UserUpdate};
use twilight_model::gateway::presence::{ActivityType, Status};
use twilight_model::guild::Guild;
use twilight_model::guild::invite::Invite;
use twilight_model::user::{CurrentUser, User};

/// GUILDS | GUILD_PRESENCES, for a person's gateway session that watches presences.
const GUILDS: u64 = 1 << 0;
const GUILD_PRESENCES: u64 = 1 << 8;
/// The longest any expected dispatch may take.
const WAIT: Duration = Duration::from_secs(5);

/// Registers `username` with the address `<username>@example.com`, logged in.
async fn user_with_email(server: &TestServer, username: &str) -> TestUser {
    let body =
        json!({ "username": username, "password": TestUser::PASSWORD, "email": format!("{username}@example.com") });
    let answer = server.client().post("/auth/register", body).await.unwrap();
    assert_eq!(answer.status, 201, "register: {}", answer.text);
    TestUser::from_login(server.client(), &answer)
}

/// The token of the first mail in the server's outbox (waiting up to five seconds for it): the
/// line that is a 43-character URL-safe base64 token.
async fn mailed_token(server: &TestServer) -> String {
    let outbox = server.data_dir().join("mail").join("outbox.jsonl");
    let is_token = |l: &&str| l.len() == 43 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    for _ in 0..250 {
        let text = std::fs::read_to_string(&outbox).unwrap_or_default();
        if let Some(line) = text.lines().next() {
            let mail: Value = serde_json::from_str(line).unwrap();
            let body = mail["body"].as_str().unwrap();
            return body.lines().map(str::trim).rfind(is_token).expect("a token in the mail").to_owned();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no mail in the outbox");
}

#[tokio::test]
async fn users_with_profile_colours_verified_accounts_and_their_updates_parse() {
    let server = TestServer::spawn().await;
    let alice = user_with_email(&server, "alice").await;
    let bob = server.user("bob").await;
    let mut events = server.events().await;

    let profile = json!({ "accent_color": 0x3366ff, "banner": data_uri("image/png", &png(8, 4)), "bio": "hi" });
    ok(alice.api.patch("/users/@me", profile).await.unwrap());
    let profile_update = events.expect("USER_UPDATE").await;
    assert_eq!(alice.api.post("/auth/verify-email/send", json!({})).await.unwrap().status, 204);
    let token = mailed_token(&server).await;
    assert_eq!(server.client().post("/auth/verify-email", json!({ "token": token })).await.unwrap().status, 204);
    let verified_update = events.expect("USER_UPDATE").await;
    let public = ok(bob.api.get(&format!("/users/{}", alice.id)).await.unwrap());
    let me = ok(alice.api.get("/users/@me").await.unwrap());

    let public: User = parses("GET /users/{id} with a banner and accent colour", &public);
    assert_eq!(public.accent_color, Some(0x3366ff));
    assert!(public.banner.is_some());
    let me: CurrentUser = parses("GET /users/@me once verified", &me);
    assert_eq!((me.verified, me.mfa_enabled), (Some(true), false));
    assert_eq!(me.accent_color, Some(0x3366ff));
    let profile_update: UserUpdate = parses("USER_UPDATE of the users service", &profile_update.data);
    assert!(profile_update.banner.is_some());
    let verified_update: UserUpdate = parses("USER_UPDATE of the auth service", &verified_update.data);
    assert_eq!(verified_update.verified, Some(true));
}

#[tokio::test]
async fn presence_set_over_rest_and_the_counts_it_makes_parse() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let mut watching = server.connect().await;
    let ready = watching.identify_ready(&bob.token, GUILDS | GUILD_PRESENCES).await.unwrap();
    for _ in 0..ready["guilds"].as_array().map_or(0, Vec::len) {
        watching.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    }
    let invite = ok(alice.api.post(&format!("/channels/{}/invites", guild.text), json!({})).await.unwrap());
    let code = invite["code"].as_str().unwrap().to_owned();
    let mut events = server.events().await;

    let presence = json!({
        "status": "dnd",
        "activities": [{ "name": "chess", "type": 0 }],
        "custom_status": { "text": "thinking", "emoji_name": "🤔" },
    });
    ok(alice.api.post("/presence/update", presence).await.unwrap());
    let update = events.expect("PRESENCE_UPDATE").await;
    let dispatched = loop {
        let dispatched = watching.next_dispatch("PRESENCE_UPDATE", WAIT).await.unwrap();
        if dispatched["user"]["id"] == alice.id.as_str() {
            break dispatched;
        }
    };
    let guild_counts = ok(alice.api.get(&format!("/guilds/{}?with_counts=true", guild.id)).await.unwrap());
    let invite_counts = ok(server.client().get(&format!("/invites/{code}?with_counts=true")).await.unwrap());

    // The bus carries one payload for all the user's guilds; gateways add each guild's id.
    let mut data = update.data.clone();
    data["guild_id"] = json!(update.guild_id.expect("published to a guild"));
    let update: PresenceUpdate = parses("PRESENCE_UPDATE", &data);
    assert_eq!(update.status, Status::DoNotDisturb);
    let kinds: Vec<ActivityType> = update.activities.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [ActivityType::Custom, ActivityType::Playing]);
    assert_eq!(update.client_status.web, Some(Status::DoNotDisturb));
    let dispatched: PresenceUpdate = parses("PRESENCE_UPDATE as the gateway sends it", &dispatched);
    assert_eq!(dispatched.guild_id.to_string(), guild.id);
    assert_eq!(dispatched.activities.len(), 2);
    // Both show online: alice over REST, bob through his gateway session.
    let guild_counts: Guild = parses("GET guild with counts", &guild_counts);
    assert_eq!((guild_counts.approximate_member_count, guild_counts.approximate_presence_count), (Some(2), Some(2)));
    let invite_counts: Invite = parses("GET invite with counts", &invite_counts);
    assert_eq!((invite_counts.approximate_member_count, invite_counts.approximate_presence_count), (Some(2), Some(2)));
}
