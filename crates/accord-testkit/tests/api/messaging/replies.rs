//! Replies carry the message they answer and ping its author unless `allowed_mentions`
//! says otherwise; a mention of someone who cannot see the channel pings nobody.

use accord_testkit::TestServer;
use accord_testkit::permissions::VIEW_CHANNEL;
use serde_json::json;

use super::guild_with_bob;

#[tokio::test]
async fn a_reply_carries_its_original_and_pings_its_author_as_allowed() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let original = bob.say(&guild.text, "question?").await;
    let path = format!("/channels/{}/messages", guild.text);

    let reply = json!({ "content": "answer", "message_reference": { "message_id": original } });
    let answer = guild.owner.api.post(&path, reply).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["type"], 19);
    assert_eq!(answer.body["referenced_message"]["id"], original.as_str());
    assert_eq!(answer.body["referenced_message"]["content"], "question?");
    assert_eq!(answer.body["mentions"][0]["id"], bob.id.as_str());

    let quiet = json!({
        "content": "answer",
        "message_reference": { "message_id": original },
        "allowed_mentions": { "parse": [], "replied_user": false },
    });
    let answer = guild.owner.api.post(&path, quiet).await.unwrap();
    assert_eq!(answer.body["mentions"], json!([]));

    bob.api.delete(&format!("/channels/{}/messages/{original}", guild.text)).await.unwrap();
    let history = guild.owner.api.get(&format!("{path}?limit=1")).await.unwrap();
    assert!(history.body[0]["referenced_message"].is_null(), "deleted originals are null: {}", history.text);
}

#[tokio::test]
async fn a_mention_of_someone_who_cannot_see_the_channel_pings_nobody() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let secret = guild.channel("secret").await;
    guild.overwrite(&secret, &bob.id, 1, 0, VIEW_CHANNEL).await;

    let answer = guild
        .owner
        .api
        .post(&format!("/channels/{secret}/messages"), json!({ "content": format!("<@{}> look", bob.id) }))
        .await
        .unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["mentions"], json!([]));
    assert_eq!(answer.body["content"], format!("<@{}> look", bob.id), "the text stays");
}
