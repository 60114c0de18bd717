//! Identify (op 2): READY and one full GUILD_CREATE per guild, the lenient payloads real
//! libraries send, and the close codes for bad tokens, wrong order and intents.

use std::collections::BTreeSet;

use accord_testkit::{TestServer, TestUser};
use serde_json::{Value, json};

use super::{
    GATEWAY_GUILD_MEMBERS, GATEWAY_MESSAGE_CONTENT, GATEWAY_PRESENCE, GUILD_MEMBERS, GUILD_MESSAGES, GUILD_PRESENCES,
    GUILDS, MESSAGE_CONTENT, MESSAGES, WAIT, session,
};

/// Identify's `d` as discord.py sends it, for `token` and `intents`.
fn identify(token: &str, intents: u64) -> Value {
    json!({
        "token": token,
        "intents": intents,
        "properties": { "os": "linux", "browser": "discord.py", "device": "discord.py" },
    })
}

/// Identifies with `d` and returns the close code the server answers with.
async fn close_code_of_identify(server: &TestServer, d: Value) -> Option<u16> {
    let mut gw = server.connect().await;
    gw.send(2, d).await.unwrap();
    gw.closed(WAIT).await.expect("the server closes")
}

#[tokio::test]
async fn ready_carries_the_user_the_guilds_and_the_resume_url() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let first = server.guild(&alice).await;
    let second = server.guild(&alice).await;

    let mut gw = server.connect().await;
    let ready = gw.identify_ready(&alice.token, MESSAGES).await.unwrap();

    assert_eq!(gw.last_seq, Some(1), "READY is the first dispatch");
    assert_eq!(ready["v"], 10);
    assert_eq!(ready["user"]["id"], alice.id.as_str());
    assert_eq!(ready["user"]["mfa_enabled"], false);
    let mut guilds: Vec<Value> = ready["guilds"].as_array().unwrap().clone();
    guilds.sort_by_key(|g| g["id"].as_str().unwrap().parse::<u64>().unwrap());
    assert_eq!(
        guilds,
        vec![json!({ "id": first.id, "unavailable": true }), json!({ "id": second.id, "unavailable": true })]
    );
    assert!(ready["session_id"].as_str().is_some_and(|s| s.len() >= 16), "{ready}");
    assert_eq!(ready["resume_gateway_url"], format!("ws://{}/gateway", server.addr));
    assert!(ready.get("application").is_none(), "users have no application: {ready}");
}

#[tokio::test]
async fn each_guild_follows_ready_as_a_full_guild_create() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;

    let mut gw = server.connect().await;
    gw.identify_ready(&bob.token, MESSAGES).await.unwrap();
    let created = gw.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();

    assert_eq!(gw.last_seq, Some(2));
    assert_eq!(created["id"], guild.id.as_str());
    for key in [
        "channels",
        "roles",
        "members",
        "voice_states",
        "presences",
        "threads",
        "stage_instances",
        "guild_scheduled_events",
        "emojis",
        "stickers",
        "features",
    ] {
        assert!(created[key].is_array(), "{key} is a list in {created}");
    }
    assert!(created["joined_at"].is_string(), "{created}");
    assert_eq!(created["large"], false);
    assert_eq!(created["member_count"], 2);
    assert_eq!(created["unavailable"], false);
    let channels: Vec<&str> = created["channels"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(channels.contains(&guild.text.as_str()) && channels.contains(&guild.voice.as_str()), "{channels:?}");
    assert!(created["roles"].as_array().unwrap().iter().any(|r| r["id"] == guild.id.as_str()), "@everyone");
}

#[tokio::test]
async fn without_the_guilds_intent_no_guild_create_follows_ready() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let mut gw = server.connect().await;
    gw.identify_ready(&alice.token, GUILD_MESSAGES | MESSAGE_CONTENT).await.unwrap();
    alice.say(&guild.text, "first after ready").await;

    let next = gw.next_payload(WAIT).await.unwrap();
    assert_eq!(next["t"], "MESSAGE_CREATE", "{next}");
    assert_eq!(next["s"], 2);
}

#[tokio::test]
async fn a_bot_identifies_with_or_without_the_bot_prefix_and_gets_its_application() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot_with_flags(&alice, "helper", GATEWAY_MESSAGE_CONTENT).await;
    let app = bot.api.get("/applications/@me").await.unwrap();

    for token in [format!("Bot {}", bot.token), bot.token.clone()] {
        let mut gw = server.connect().await;
        let ready = gw.identify_ready(&token, MESSAGES).await.unwrap();

        assert_eq!(ready["user"]["id"], bot.id.as_str());
        assert_eq!(ready["user"]["bot"], true);
        assert_eq!(ready["application"]["id"], app.body["id"]);
        assert_eq!(ready["application"]["flags"], GATEWAY_MESSAGE_CONTENT);
    }
}

#[tokio::test]
async fn identify_accepts_what_real_libraries_send() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;
    let payloads = [
        // twilight: `presence: null`, capabilities, shard, a Bot token.
        json!({ "token": format!("Bot {}", bot.token), "intents": GUILDS | GUILD_MESSAGES, "presence": null,
                "capabilities": 0, "compress": false, "large_threshold": 50, "shard": [0, 1],
                "properties": { "os": "linux", "browser": "twilight.rs", "device": "twilight.rs" } }),
        // serenity: `since` as an object.
        json!({ "token": format!("Bot {}", bot.token), "intents": GUILDS, "compress": true,
                "presence": { "afk": false, "status": "online", "activities": [],
                              "since": { "secs_since_epoch": 1, "nanos_since_epoch": 2 } },
                "properties": { "os": "linux", "browser": "serenity", "device": "serenity" } }),
        // discord.py: a bare token, no shard, no large_threshold, unknown keys.
        json!({ "token": bot.token, "intents": GUILDS, "some_future_key": { "x": 1 },
                "presence": { "status": "idle", "since": 0, "activities": [], "afk": true },
                "properties": { "os": "linux", "browser": "discord.py", "device": "discord.py" } }),
    ];

    for d in payloads {
        let mut gw = server.connect().await;
        gw.send(2, d.clone()).await.unwrap();
        let ready = gw.next_dispatch("READY", WAIT).await.unwrap_or_else(|e| panic!("{d}: {e}"));

        assert_eq!(ready["user"]["id"], bot.id.as_str(), "{d}");
    }
}

#[tokio::test]
async fn a_bad_token_closes_with_4004() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    for token in ["not-a-token".to_owned(), "Bot not-a-token".to_owned(), format!("Bot {}x", bot.token), String::new()]
    {
        assert_eq!(close_code_of_identify(&server, identify(&token, GUILDS)).await, Some(4004), "{token:?}");
    }
}

#[tokio::test]
async fn an_op_before_identify_closes_with_4003() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let early = [
        (3, json!({ "status": "idle", "since": null, "activities": [], "afk": false })),
        (8, json!({ "guild_id": guild.id, "query": "", "limit": 0 })),
        (4, json!({ "guild_id": guild.id, "channel_id": null, "self_mute": false, "self_deaf": false })),
    ];

    for (op, d) in early {
        let mut gw = server.connect().await;
        gw.send(op, d).await.unwrap();

        assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4003), "op {op}");
    }
}

#[tokio::test]
async fn a_second_identify_or_a_resume_after_identify_closes_with_4005() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let (mut gw, _) = session(&server, &alice, MESSAGES).await;
    gw.identify(&alice.token, MESSAGES).await.unwrap();
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4005));

    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    gw.resume(&alice.token, ready["session_id"].as_str().unwrap(), 1).await.unwrap();
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4005));
}

#[tokio::test]
async fn unknown_or_missing_intents_close_with_4013() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut missing = identify(&alice.token, 0);
    missing.as_object_mut().unwrap().remove("intents");

    assert_eq!(close_code_of_identify(&server, identify(&alice.token, GUILDS | (1 << 17))).await, Some(4013));
    assert_eq!(close_code_of_identify(&server, identify(&alice.token, 1 << 40)).await, Some(4013));
    assert_eq!(close_code_of_identify(&server, missing).await, Some(4013));
}

#[tokio::test]
async fn a_bot_asking_for_a_privileged_intent_its_application_lacks_is_closed_with_4014() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "plain").await;
    let granted_others = server.bot_with_flags(&alice, "others", GATEWAY_PRESENCE | GATEWAY_GUILD_MEMBERS).await;

    for intent in [GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT] {
        let code = close_code_of_identify(&server, identify(&bot.token, GUILDS | intent)).await;
        assert_eq!(code, Some(4014), "intent {intent:#x} without any grant");
    }
    let code = close_code_of_identify(&server, identify(&granted_others.token, GUILDS | MESSAGE_CONTENT)).await;
    assert_eq!(code, Some(4014), "MESSAGE_CONTENT with only the presence and members grants");
}

#[tokio::test]
async fn a_bot_whose_application_grants_the_privileged_intents_may_use_them() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let full = GATEWAY_PRESENCE | GATEWAY_GUILD_MEMBERS | GATEWAY_MESSAGE_CONTENT;
    let limited = full << 1;
    let privileged = GUILDS | GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;

    for (name, flags) in [("full", full), ("limited", limited)] {
        let bot = server.bot_with_flags(&alice, name, flags).await;
        let (_, ready) = session(&server, &bot, privileged).await;

        assert_eq!(ready["application"]["flags"], flags, "{name}");
    }
}

#[tokio::test]
async fn a_user_session_may_ask_for_the_privileged_intents() {
    let server = TestServer::spawn().await;
    let alice: TestUser = server.user("alice").await;
    server.guild(&alice).await;

    let (_, ready) = session(&server, &alice, GUILDS | GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT).await;

    assert_eq!(ready["user"]["id"], alice.id.as_str());
}

#[tokio::test]
async fn an_invalid_shard_closes_with_4010() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for shard in [json!([1, 1]), json!([0, 0]), json!([3, 2])] {
        let mut d = identify(&alice.token, GUILDS);
        d["shard"] = shard.clone();
        assert_eq!(close_code_of_identify(&server, d).await, Some(4010), "shard {shard}");
    }
}

#[tokio::test]
async fn a_sharded_session_gets_only_its_shards_guilds() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut guilds = Vec::new();
    for _ in 0..4 {
        guilds.push(server.guild(&alice).await.id);
    }
    let shard_of = |id: &String| (id.parse::<u64>().unwrap() >> 22) % 2;

    for shard in [0, 1] {
        let mut gw = server.connect().await;
        let mut d = identify(&alice.token, GUILDS);
        d["shard"] = json!([shard, 2]);
        gw.send(2, d).await.unwrap();
        let ready = gw.next_dispatch("READY", WAIT).await.unwrap();

        let listed: BTreeSet<&str> =
            ready["guilds"].as_array().unwrap().iter().filter_map(|g| g["id"].as_str()).collect();
        let expected: BTreeSet<&str> = guilds.iter().filter(|id| shard_of(id) == shard).map(String::as_str).collect();
        assert_eq!(listed, expected, "shard {shard}");
        assert_eq!(ready["shard"], json!([shard, 2]));
    }
}
