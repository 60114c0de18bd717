//! Request Guild Members (op 8): GUILD_MEMBERS_CHUNK by name prefix (username or nick) with a
//! limit, by user ids with `not_found`, with presences, echoing the nonce, at most 1000
//! members a chunk; the whole list needs GUILD_MEMBERS and presences need GUILD_PRESENCES.

use std::collections::BTreeSet;

use accord_client::gateway::GatewayClient;
use accord_core::Snowflake;
use accord_store::MemberRecord;
use accord_store::contract::fixtures;
use accord_testkit::{TestGuild, TestServer, TestUser};
use serde_json::{Value, json};

use super::{GATEWAY_GUILD_MEMBERS, GUILD_MEMBERS, GUILD_PRESENCES, GUILDS, MESSAGES, WAIT, session};

/// A guild owned by alice with bob, bobby, carol and dave (nicknamed "Bobcat").
async fn guild_with_members(server: &TestServer) -> (TestGuild, Vec<TestUser>) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let mut members = vec![alice];
    for name in ["bob", "bobby", "carol", "dave"] {
        members.push(server.member(&guild, name).await);
    }
    let path = format!("/guilds/{}/members/{}", guild.id, members[4].id);
    let nicked = guild.owner.api.patch(&path, json!({ "nick": "Bobcat" })).await.unwrap();
    assert_eq!(nicked.status, 200, "{}", nicked.text);
    (guild, members)
}

/// Sends op 8 and reads the chunks that answer it (by `chunk_count`).
async fn request(gw: &mut GatewayClient, d: Value) -> Vec<Value> {
    gw.send(8, d).await.unwrap();
    let mut chunks = vec![gw.next_dispatch("GUILD_MEMBERS_CHUNK", WAIT).await.unwrap()];
    let count = chunks[0]["chunk_count"].as_u64().unwrap();
    while (chunks.len() as u64) < count {
        chunks.push(gw.next_dispatch("GUILD_MEMBERS_CHUNK", WAIT).await.unwrap());
    }
    chunks
}

/// The user ids of the members in `chunks`.
fn ids(chunks: &[Value]) -> BTreeSet<String> {
    chunks
        .iter()
        .flat_map(|c| c["members"].as_array().unwrap().iter())
        .map(|m| m["user"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn set<'a>(users: impl IntoIterator<Item = &'a TestUser>) -> BTreeSet<String> {
    users.into_iter().map(|u| u.id.clone()).collect()
}

#[tokio::test]
async fn a_query_returns_members_whose_username_or_nick_starts_with_it() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;

    let chunks = request(&mut gw, json!({ "guild_id": guild.id, "query": "BoB", "limit": 10 })).await;

    assert_eq!(chunks.len(), 1);
    assert_eq!((chunks[0]["chunk_index"].as_u64(), chunks[0]["chunk_count"].as_u64()), (Some(0), Some(1)));
    assert_eq!(chunks[0]["guild_id"], guild.id.as_str());
    assert_eq!(ids(&chunks), set([&users[1], &users[2], &users[4]]));
    assert!(chunks[0].get("presences").is_none(), "not asked for: {}", chunks[0]);
}

#[tokio::test]
async fn a_query_returns_at_most_limit_members() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;

    let chunks = request(&mut gw, json!({ "guild_id": guild.id, "query": "bob", "limit": 2 })).await;

    assert_eq!(ids(&chunks).len(), 2);
    assert!(ids(&chunks).is_subset(&set([&users[1], &users[2], &users[4]])), "{chunks:?}");
}

#[tokio::test]
async fn user_ids_answer_the_members_found_and_list_the_rest_as_not_found() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let stranger = server.user("stranger").await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;
    let asked = json!([users[1].id, users[3].id, stranger.id, "12345"]);

    let chunks = request(&mut gw, json!({ "guild_id": guild.id, "user_ids": asked, "limit": 0 })).await;

    assert_eq!(ids(&chunks), set([&users[1], &users[3]]));
    assert_eq!(chunks[0]["not_found"], json!([stranger.id, "12345"]));
    let single = request(&mut gw, json!({ "guild_id": guild.id, "user_ids": users[2].id })).await;
    assert_eq!(ids(&single), set([&users[2]]), "a single id is accepted too");
}

#[tokio::test]
async fn the_nonce_is_echoed_in_every_chunk() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;

    let chunks = request(&mut gw, json!({ "guild_id": guild.id, "query": "c", "limit": 5, "nonce": "n-42" })).await;

    assert!(chunks.iter().all(|c| c["nonce"] == "n-42"), "{chunks:?}");
}

#[tokio::test]
async fn presences_are_included_when_asked_for_with_the_presences_intent() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let (_bobs, _) = session(&server, &users[1], MESSAGES).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES | GUILD_PRESENCES).await;

    let d = json!({ "guild_id": guild.id, "query": "bob", "limit": 10, "presences": true });
    let chunks = request(&mut gw, d).await;

    let presences = chunks[0]["presences"].as_array().unwrap();
    let online: BTreeSet<&str> = presences.iter().filter_map(|p| p["user"]["id"].as_str()).collect();
    assert_eq!(online, BTreeSet::from([users[1].id.as_str()]), "only bob is online: {presences:?}");
    assert_eq!(presences[0]["status"], "online");
}

#[tokio::test]
async fn presences_without_the_presences_intent_close_with_4014() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;

    gw.send(8, json!({ "guild_id": guild.id, "query": "bob", "limit": 10, "presences": true })).await.unwrap();

    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4014));
}

#[tokio::test]
async fn the_whole_member_list_needs_the_guild_members_intent() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let plain = server.bot(&users[0], "plain").await;
    let granted = server.bot_with_flags(&users[0], "granted", GATEWAY_GUILD_MEMBERS).await;
    guild.add_bot(&plain).await;
    guild.add_bot(&granted).await;
    let everyone: BTreeSet<String> = set(&users).into_iter().chain([plain.id.clone(), granted.id.clone()]).collect();
    let whole = json!({ "guild_id": guild.id, "query": "", "limit": 0 });

    let (mut plains, _) = session(&server, &plain, GUILDS).await;
    plains.send(8, whole.clone()).await.unwrap();
    assert_eq!(plains.closed(WAIT).await.unwrap(), Some(4014), "a bot without GUILD_MEMBERS");

    let (mut granteds, _) = session(&server, &granted, GUILDS | GUILD_MEMBERS).await;
    assert_eq!(ids(&request(&mut granteds, whole.clone()).await), everyone, "a bot with GUILD_MEMBERS");
    let (mut alices, _) = session(&server, &users[0], GUILDS | GUILD_MEMBERS).await;
    assert_eq!(ids(&request(&mut alices, whole).await), everyone, "a user with GUILD_MEMBERS");
}

#[tokio::test]
async fn guilds_the_session_is_not_in_are_skipped() {
    let server = TestServer::spawn().await;
    let (guild, users) = guild_with_members(&server).await;
    let stranger = server.user("stranger").await;
    let strangers_guild = server.guild(&stranger).await;
    let (mut gw, _) = session(&server, &users[0], MESSAGES).await;

    gw.send(8, json!({ "guild_id": strangers_guild.id, "query": "s", "limit": 5, "nonce": "theirs" })).await.unwrap();
    let chunks = request(&mut gw, json!({ "guild_id": [guild.id], "query": "a", "limit": 5, "nonce": "mine" })).await;

    assert_eq!(chunks[0]["nonce"], "mine", "nothing answered the request for a foreign guild");
    assert_eq!(ids(&chunks), set([&users[0]]));
}

#[tokio::test]
async fn a_large_member_list_arrives_in_chunks_of_at_most_1000() {
    // Arrange: alice's guild gets 1000 more members, written straight to the database
    // while the server is down (registering them over REST would take most of a minute).
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let data = server.stop_keeping_data().await;
    let store = data.store().await;
    let guild_id: Snowflake = guild.id.parse().unwrap();
    for n in 1..=1000 {
        fixtures::create_users(store.as_ref(), &[n]).await;
        let member = MemberRecord::joining(guild_id, fixtures::id(n), 1_700_000_000_000);
        assert!(store.add_member(&member, &[]).await.unwrap());
    }
    drop(store);
    let server = TestServer::spawn_in(data, |_| {}).await;
    let (mut gw, _) = session(&server, &alice, GUILDS | GUILD_MEMBERS).await;

    let chunks = request(&mut gw, json!({ "guild_id": guild.id, "query": "", "limit": 0, "nonce": "all" })).await;

    let sizes: Vec<usize> = chunks.iter().map(|c| c["members"].as_array().unwrap().len()).collect();
    assert_eq!(sizes, [1000, 1]);
    let indexes: Vec<(u64, u64)> =
        chunks.iter().map(|c| (c["chunk_index"].as_u64().unwrap(), c["chunk_count"].as_u64().unwrap())).collect();
    assert_eq!(indexes, [(0, 2), (1, 2)]);
    assert!(chunks.iter().all(|c| c["nonce"] == "all" && c["guild_id"] == guild.id.as_str()));
    assert_eq!(ids(&chunks).len(), 1001, "no member twice");
    let by_query = request(&mut gw, json!({ "guild_id": guild.id, "query": "user", "limit": 0 })).await;
    assert_eq!(ids(&by_query).len(), 100, "a query answers at most 100 members");
}
