//! A real discord.py 2.7 bot (tests/discord_py/ping_bot.py) logs in to Accord through its
//! REST API and gateway, receives `!ping` from a user and answers `pong`, which the user's
//! own gateway session then receives. discord.py is the strictest library about
//! `Content-Type` and READY's fields; `.ci/run` installs it.

use std::process::Stdio;
use std::time::Duration;

use accord_testkit::TestServer;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

const MESSAGE_CONTENT_GRANT: u64 = 1 << 19;
/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT
const USER_INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);

#[tokio::test]
async fn a_discord_py_bot_answers_ping_with_pong() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let app =
        alice.api.post("/applications", json!({ "name": "PyBot", "flags": MESSAGE_CONTENT_GRANT })).await.unwrap();
    assert_eq!(app.status, 201, "{}", app.text);
    let (bot_id, token) = (app.body["bot"]["id"].as_str().unwrap(), app.body["token"].as_str().unwrap());
    let added = alice.api.put(&format!("/guilds/{}/members/{bot_id}", guild.id), json!({})).await.unwrap();
    assert_eq!(added.status, 201, "{}", added.text);

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/discord_py/ping_bot.py");
    let mut bot = tokio::process::Command::new("python3")
        .args([script, &format!("{}/api/v10", server.url()), &format!("ws://{}/gateway", server.addr), token, "30"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs (discord.py is installed by .ci/run)");
    let mut lines = BufReader::new(bot.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    assert!(ready.starts_with(&format!("READY user={bot_id}")), "{ready}");
    assert!(ready.contains("guilds=['"), "discord.py saw the guild: {ready}");

    let mut alices = server.connect().await;
    alices.identify_ready(&alice.token, USER_INTENTS).await.unwrap();
    alice.say(&guild.text, "!ping").await;
    let answered = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await.unwrap().unwrap().unwrap();
    assert!(answered.starts_with("ANSWERED "), "{answered}");
    let pong = loop {
        let message = alices.next_dispatch("MESSAGE_CREATE", Duration::from_secs(10)).await.unwrap();
        if message["content"] == "pong" {
            break message;
        }
    };
    assert_eq!(pong["author"]["id"], bot_id);
    assert_eq!(pong["channel_id"], guild.text.as_str());
    let status = tokio::time::timeout(Duration::from_secs(30), bot.wait()).await.unwrap().unwrap();
    assert!(status.success(), "the bot exits cleanly after answering");
}
