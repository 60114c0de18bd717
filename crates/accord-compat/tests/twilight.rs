//! Every payload of the core REST surface and its events, parsed by twilight-model.

mod common;

use accord_testkit::{TestServer, TestUser};
use common::{ok, parses};
use serde_json::json;
use twilight_model::channel::{Channel, Message};
use twilight_model::gateway::payload::incoming::GuildCreate;
use twilight_model::guild::invite::Invite;
use twilight_model::guild::{Guild, Member, Role};
use twilight_model::oauth::Application;
use twilight_model::user::{CurrentUser, User};

/// Parses `value` as `T`, failing with the payload and twilight's complaint.
/// A guild owned by `owner` with a second member joined by invite; returns (guild, channel).
async fn populated_guild(owner: &TestUser, member: &TestUser) -> (String, String) {
    let guild = ok(owner.api.post("/guilds", json!({ "name": "Compat" })).await.unwrap());
    let guild_id = guild["id"].as_str().unwrap().to_owned();
    let channels = ok(owner.api.get(&format!("/guilds/{guild_id}/channels")).await.unwrap());
    let channel_id = channels[0]["id"].as_str().unwrap().to_owned();
    let invite = ok(owner.api.post(&format!("/channels/{channel_id}/invites"), json!({})).await.unwrap());
    let code = invite["code"].as_str().unwrap();
    ok(member.api.post(&format!("/invites/{code}"), json!({})).await.unwrap());
    (guild_id, channel_id)
}

#[tokio::test]
async fn users_and_current_users_parse() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let me = ok(alice.api.get("/users/@me").await.unwrap());
    let current: CurrentUser = parses("GET /users/@me", &me);
    assert_eq!(current.id.to_string(), alice.id);
    let login = ok(server
        .client()
        .post("/auth/login", json!({ "login": "alice", "password": TestUser::PASSWORD }))
        .await
        .unwrap());
    parses::<CurrentUser>("login user", &login["user"]);
    let bob = server.user("bob").await;
    let public = ok(alice.api.get(&format!("/users/{}", bob.id)).await.unwrap());
    let user: User = parses("GET /users/{id}", &public);
    assert_eq!(user.name, "bob");
}

#[tokio::test]
async fn guilds_roles_channels_and_members_parse() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    let (guild_id, channel_id) = populated_guild(&alice, &bob).await;
    let guild: Guild = parses("GET /guilds/{id}", &ok(alice.api.get(&format!("/guilds/{guild_id}")).await.unwrap()));
    assert_eq!(guild.roles.len(), 1);
    let role = ok(alice
        .api
        .post(&format!("/guilds/{guild_id}/roles"), json!({ "name": "mods", "color": 255 }))
        .await
        .unwrap());
    parses::<Role>("POST role", &role);
    for role in ok(alice.api.get(&format!("/guilds/{guild_id}/roles")).await.unwrap()).as_array().unwrap() {
        parses::<Role>("GET roles[]", role);
    }
    for channel in ok(alice.api.get(&format!("/guilds/{guild_id}/channels")).await.unwrap()).as_array().unwrap() {
        parses::<Channel>("GET channels[]", channel);
    }
    let category =
        ok(alice.api.post(&format!("/guilds/{guild_id}/channels"), json!({ "name": "cat", "type": 4 })).await.unwrap());
    parses::<Channel>("POST category", &category);
    parses::<Channel>("GET channel", &ok(alice.api.get(&format!("/channels/{channel_id}")).await.unwrap()));
    let members = ok(alice.api.get(&format!("/guilds/{guild_id}/members?limit=10")).await.unwrap());
    assert_eq!(members.as_array().unwrap().len(), 2);
    for member in members.as_array().unwrap() {
        parses::<Member>("GET members[]", member);
    }
}

#[tokio::test]
async fn messages_parse_including_replies_and_mentions() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    let (_, channel_id) = populated_guild(&alice, &bob).await;
    let path = format!("/channels/{channel_id}/messages");
    let first =
        ok(alice.api.post(&path, json!({ "content": format!("hi <@{}>", bob.id), "nonce": "n1" })).await.unwrap());
    let message: Message = parses("POST message", &first);
    assert_eq!(message.mentions.len(), 1);
    let reply = json!({ "content": "re", "message_reference": { "message_id": first["id"] } });
    let reply = ok(bob.api.post(&path, reply).await.unwrap());
    parses::<Message>("POST reply", &reply);
    let edited = ok(alice
        .api
        .patch(&format!("{path}/{}", first["id"].as_str().unwrap()), json!({ "content": "edited" }))
        .await
        .unwrap());
    let edited: Message = parses("PATCH message", &edited);
    assert!(edited.edited_timestamp.is_some());
    for m in ok(alice.api.get(&path).await.unwrap()).as_array().unwrap() {
        parses::<Message>("GET messages[]", m);
    }
}

#[tokio::test]
async fn invites_and_applications_parse() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    let (_, channel_id) = populated_guild(&alice, &bob).await;
    let invite =
        ok(alice.api.post(&format!("/channels/{channel_id}/invites"), json!({ "max_uses": 3 })).await.unwrap());
    let parsed: Invite = parses("POST invite", &invite);
    assert_eq!(parsed.max_uses, Some(3));
    let code = invite["code"].as_str().unwrap();
    parses::<Invite>("GET invite", &ok(server.client().get(&format!("/invites/{code}")).await.unwrap()));
    let bot = server.bot(&alice, "Compat Bot").await;
    let app = ok(bot.api.get("/applications/@me").await.unwrap());
    let application: Application = parses("GET /applications/@me", &app);
    assert_eq!(application.name, "Compat Bot");
    parses::<CurrentUser>("bot GET /users/@me", &ok(bot.api.get("/users/@me").await.unwrap()));
}

#[tokio::test]
async fn event_payloads_parse() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    let mut events = server.events().await;
    let (guild_id, channel_id) = populated_guild(&alice, &bob).await;
    let created = events.expect("GUILD_CREATE").await;
    match parses::<GuildCreate>("GUILD_CREATE", &created.data) {
        GuildCreate::Available(guild) => assert_eq!(guild.channels.len(), 2),
        GuildCreate::Unavailable(_) => panic!("GUILD_CREATE parsed as unavailable"),
    }
    let added = events.expect("GUILD_MEMBER_ADD").await;
    parses::<twilight_model::gateway::payload::incoming::MemberAdd>("GUILD_MEMBER_ADD", &added.data);
    alice.api.post(&format!("/channels/{channel_id}/messages"), json!({ "content": "event" })).await.unwrap();
    let message = events.expect("MESSAGE_CREATE").await;
    let parsed: twilight_model::gateway::payload::incoming::MessageCreate = parses("MESSAGE_CREATE", &message.data);
    assert_eq!(parsed.guild_id.map(|g| g.to_string()), Some(guild_id.clone()));
    assert!(parsed.member.is_some());
    alice.api.post(&format!("/guilds/{guild_id}/roles"), json!({ "name": "r" })).await.unwrap();
    parses::<twilight_model::gateway::payload::incoming::RoleCreate>(
        "GUILD_ROLE_CREATE",
        &events.expect("GUILD_ROLE_CREATE").await.data,
    );
    alice.api.patch(&format!("/channels/{channel_id}"), json!({ "topic": "t" })).await.unwrap();
    parses::<twilight_model::gateway::payload::incoming::ChannelUpdate>(
        "CHANNEL_UPDATE",
        &events.expect("CHANNEL_UPDATE").await.data,
    );
    alice.api.patch(&format!("/guilds/{guild_id}"), json!({ "name": "Renamed" })).await.unwrap();
    parses::<twilight_model::gateway::payload::incoming::GuildUpdate>(
        "GUILD_UPDATE",
        &events.expect("GUILD_UPDATE").await.data,
    );
    alice.api.post(&format!("/channels/{channel_id}/typing"), json!({})).await.unwrap();
    parses::<twilight_model::gateway::payload::incoming::TypingStart>(
        "TYPING_START",
        &events.expect("TYPING_START").await.data,
    );
}
