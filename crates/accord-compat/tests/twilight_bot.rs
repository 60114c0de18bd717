//! A real bot written with `twilight-gateway` and `twilight-http` 0.18 logs in to a test
//! server, answers a user's `!ping` with `pong`, and the user's own gateway session sees it.

use std::time::Duration;

use accord_client::gateway::GatewayClient;
use accord_testkit::{TestServer, TestUser};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt as _};
use twilight_http::Client as HttpClient;
use twilight_model::gateway::payload::incoming::GuildCreate;

/// Every wait in this test ends within this.
const WAIT: Duration = Duration::from_secs(20);
/// The application flag granting the MESSAGE_CONTENT intent (GATEWAY_MESSAGE_CONTENT).
const GATEWAY_MESSAGE_CONTENT: u64 = 1 << 19;
/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT, for the user's session.
const USER_INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);

/// What the bot saw, reported to the test.
#[derive(Debug)]
enum BotSaw {
    Ready {
        user_id: String,
        guilds: Vec<String>,
    },
    GuildCreate {
        id: String,
        name: String,
        channels: usize,
    },
    AnsweredPing {
        reply_id: String,
    },
    /// An event twilight could not parse, or a failed request: always a test failure.
    Failure(String),
}

/// Creates an application granted MESSAGE_CONTENT and returns (bot user id, bot token).
async fn application_with_message_content(owner: &TestUser) -> (String, String) {
    let body = json!({ "name": "Pinger", "flags": GATEWAY_MESSAGE_CONTENT });
    let created = owner.api.post("/applications", body).await.expect("create application");
    assert_eq!(created.status, 201, "create application: {}", created.text);
    let bot_id = created.body["bot"]["id"].as_str().expect("bot id").to_owned();
    (bot_id, created.body["token"].as_str().expect("bot token").to_owned())
}

/// The bot: reads events from its shard, answers `!ping` with `pong` over twilight-http.
/// Ends after `WAIT` or a bounded number of events, whichever comes first.
async fn run_bot(mut shard: Shard, http: HttpClient, saw: mpsc::UnboundedSender<BotSaw>) {
    let deadline = tokio::time::Instant::now() + WAIT;
    for _ in 0..1000 {
        let next = tokio::time::timeout_at(deadline, shard.next_event(EventTypeFlags::all())).await;
        let Ok(Some(item)) = next else { return };
        let report = match item {
            Err(error) => Some(BotSaw::Failure(format!("twilight could not read an event: {error:?}"))),
            Ok(Event::Ready(ready)) => Some(BotSaw::Ready {
                user_id: ready.user.id.to_string(),
                guilds: ready.guilds.iter().map(|g| g.id.to_string()).collect(),
            }),
            Ok(Event::GuildCreate(created)) => Some(match &*created {
                GuildCreate::Available(guild) => BotSaw::GuildCreate {
                    id: guild.id.to_string(),
                    name: guild.name.clone(),
                    channels: guild.channels.len(),
                },
                GuildCreate::Unavailable(guild) => BotSaw::Failure(format!("guild {} unavailable", guild.id)),
            }),
            Ok(Event::MessageCreate(message)) if message.content == "!ping" => {
                Some(match http.create_message(message.channel_id).content("pong").await {
                    Err(error) => BotSaw::Failure(format!("create_message failed: {error:?}")),
                    Ok(response) => match response.model().await {
                        Ok(reply) => BotSaw::AnsweredPing { reply_id: reply.id.to_string() },
                        Err(error) => BotSaw::Failure(format!("reply does not parse as Message: {error:?}")),
                    },
                })
            }
            Ok(_) => None,
        };
        if let Some(report) = report
            && saw.send(report).is_err()
        {
            return;
        }
    }
}

/// The next report from the bot within `WAIT`; a failure report fails the test.
async fn next_report(reports: &mut mpsc::UnboundedReceiver<BotSaw>) -> BotSaw {
    let report = tokio::time::timeout(WAIT, reports.recv()).await.expect("the bot reports within 20 s");
    match report.expect("the bot is running") {
        BotSaw::Failure(why) => panic!("{why}"),
        report => report,
    }
}

/// Reads the user's session until a MESSAGE_CREATE with `content`, skipping other frames.
async fn message_with_content(session: &mut GatewayClient, content: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    for _ in 0..100 {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = session.next_dispatch("MESSAGE_CREATE", left).await.expect("MESSAGE_CREATE within 20 s");
        if message["content"] == content {
            return message;
        }
    }
    panic!("no MESSAGE_CREATE {content:?} among 100 messages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twilight_bot_answers_ping_with_pong() {
    // Arrange: a guild, and a bot granted MESSAGE_CONTENT added to it by the owner.
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (bot_id, bot_token) = application_with_message_content(&alice).await;
    let added = alice.api.put(&format!("/guilds/{}/members/{bot_id}", guild.id), json!({})).await.expect("add bot");
    assert_eq!(added.status, 201, "add bot: {}", added.text);

    let intents = Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::MESSAGE_CONTENT;
    let config =
        ConfigBuilder::new(bot_token.clone(), intents).proxy_url(format!("ws://{}/gateway", server.addr)).build();
    let shard = Shard::with_config(ShardId::ONE, config);
    let http = HttpClient::builder().token(bot_token).proxy(server.addr.to_string(), true).ratelimiter(None).build();
    let (saw, mut reports) = mpsc::unbounded_channel();
    let bot = tokio::spawn(run_bot(shard, http, saw));

    // The bot logs in: twilight parses READY and the guild's GUILD_CREATE.
    let BotSaw::Ready { user_id, guilds } = next_report(&mut reports).await else { panic!("READY comes first") };
    assert_eq!(user_id, bot_id);
    assert_eq!(guilds, vec![guild.id.clone()]);
    let BotSaw::GuildCreate { id, name, channels } = next_report(&mut reports).await else {
        panic!("GUILD_CREATE follows READY")
    };
    assert_eq!((id.as_str(), name.as_str()), (guild.id.as_str(), "Test Guild"));
    assert!(channels >= 2, "GUILD_CREATE carries the guild's channels");

    let mut session = server.connect().await;
    session.identify_ready(&alice.token, USER_INTENTS).await.expect("alice is ready");

    // Act: alice says !ping over REST.
    alice.say(&guild.text, "!ping").await;

    // Assert: the bot answered, and alice's session receives the bot's pong.
    let BotSaw::AnsweredPing { reply_id } = next_report(&mut reports).await else { panic!("the bot answers") };
    let pong = message_with_content(&mut session, "pong").await;
    assert_eq!(pong["id"], reply_id.as_str());
    assert_eq!(pong["author"]["id"], bot_id.as_str());
    assert_eq!(pong["author"]["bot"], true);
    assert_eq!(pong["channel_id"], guild.text.as_str());
    bot.abort();
}
