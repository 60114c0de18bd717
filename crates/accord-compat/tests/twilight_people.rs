//! The payloads of DMs and group DMs (channel objects from REST and events, messages in them,
//! recipient changes), parsed by twilight-model.

mod common;

use accord_testkit::TestServer;
use common::{ok, parses};
use serde_json::json;
use twilight_model::channel::{Channel, ChannelType, Message};
use twilight_model::gateway::payload::incoming::{ChannelCreate, ChannelDelete, ChannelUpdate, TypingStart};
use twilight_model::user::User;

#[tokio::test]
async fn dm_and_group_dm_payloads_parse() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let mut events = server.events().await;

    let dm = ok(alice.api.post("/users/@me/channels", json!({ "recipient_id": bob.id })).await.unwrap());
    let dm_id = dm["id"].as_str().unwrap().to_owned();
    let created = events.expect("CHANNEL_CREATE").await;
    assert_eq!(alice.api.post(&format!("/channels/{dm_id}/typing"), json!({})).await.unwrap().status, 204);
    let typing = events.expect("TYPING_START").await;
    let message = ok(alice.api.post(&format!("/channels/{dm_id}/messages"), json!({ "content": "hi" })).await.unwrap());
    let message_event = events.expect("MESSAGE_CREATE").await;
    let group = json!({ "recipients": [bob.id, carol.id], "name": "trio" });
    let group = ok(alice.api.post("/users/@me/channels", group).await.unwrap());
    let group_id = group["id"].as_str().unwrap().to_owned();
    ok(bob.api.patch(&format!("/channels/{group_id}"), json!({ "name": "duo" })).await.unwrap());
    let updated = events.expect("CHANNEL_UPDATE").await;
    ok(carol.api.delete(&format!("/channels/{group_id}")).await.unwrap());
    let deleted = events.expect("CHANNEL_DELETE").await;
    let removed = events.expect("CHANNEL_RECIPIENT_REMOVE").await;
    let listed = ok(alice.api.get("/users/@me/channels").await.unwrap());

    let dm: Channel = parses("a DM", &dm);
    assert_eq!(dm.kind, ChannelType::Private);
    assert_eq!(dm.recipients.as_ref().map(Vec::len), Some(1));
    let group: Channel = parses("a group DM", &group);
    assert_eq!(group.kind, ChannelType::Group);
    assert_eq!(group.name.as_deref(), Some("trio"));
    assert_eq!(group.owner_id.map(|id| id.to_string()), Some(alice.id.clone()));
    let _: ChannelCreate = parses("CHANNEL_CREATE of a DM", &created.data);
    let typing: TypingStart = parses("TYPING_START in a DM", &typing.data);
    assert!(typing.guild_id.is_none());
    let message: Message = parses("a DM message", &message);
    assert!(message.guild_id.is_none());
    let _: Message = parses("MESSAGE_CREATE in a DM", &message_event.data);
    let updated: ChannelUpdate = parses("CHANNEL_UPDATE of a group", &updated.data);
    assert_eq!(updated.name.as_deref(), Some("duo"));
    let _: ChannelDelete = parses("CHANNEL_DELETE of a group", &deleted.data);
    let _: User = parses("CHANNEL_RECIPIENT_REMOVE's user", &removed.data["user"]);
    let listed: Vec<Channel> = parses("the DM list", &listed);
    assert_eq!(listed.len(), 2);
}
