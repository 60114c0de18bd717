//! Search: words and filters, guild-wide and per channel, never into channels the caller
//! cannot read, and hostile text treated as words.

use accord_testkit::permissions::VIEW_CHANNEL;
use accord_testkit::{TestServer, assert_error};

use super::guild_with_bob;

fn hit_ids(body: &serde_json::Value) -> Vec<&str> {
    body["messages"].as_array().unwrap().iter().map(|hit| hit[0]["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn search_finds_words_and_filters_within_readable_channels() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let secret = guild.channel("secret").await;
    guild.overwrite(&secret, &bob.id, 1, 0, VIEW_CHANNEL).await;
    let fox = alice.say(&guild.text, "the quick brown fox").await;
    let look = bob.say(&guild.text, "a quick look at https://example.com").await;
    alice.say(&secret, "quick secret plans").await;
    let search = |who: &accord_testkit::TestUser, query: &str| {
        let api = who.api.clone();
        let path = format!("/guilds/{}/messages/search?{query}", guild.id);
        async move { api.get(&path).await.unwrap() }
    };

    let quick = search(&bob, "content=quick").await;
    assert_eq!(quick.status, 200, "{}", quick.text);
    assert_eq!(quick.body["total_results"], 2, "the secret channel is not searched for bob");
    assert_eq!(hit_ids(&quick.body), [look.as_str(), fox.as_str()]);
    assert_eq!(search(alice, "content=quick").await.body["total_results"], 3);
    assert_eq!(hit_ids(&search(&bob, &format!("content=QUICK&author_id={}", alice.id)).await.body), [fox.as_str()]);
    assert_eq!(hit_ids(&search(&bob, "has=link").await.body), [look.as_str()]);
    assert_eq!(hit_ids(&search(&bob, "content=quick&sort_order=asc&limit=1").await.body), [fox.as_str()]);
    assert_eq!(search(&bob, &format!("channel_id={secret}")).await.body["total_results"], 0);
    let in_channel = bob.api.get(&format!("/channels/{}/messages/search?content=fox", guild.text)).await.unwrap();
    assert_eq!(hit_ids(&in_channel.body), [fox.as_str()]);
    let hidden = bob.api.get(&format!("/channels/{secret}/messages/search?content=quick")).await.unwrap();
    assert_error(&hidden, 404, 10003);
}

#[tokio::test]
async fn hostile_and_malformed_queries_get_answers_not_errors_of_the_server() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    guild.owner.say(&guild.text, "plain words").await;

    for hostile in
        ["%22", "NEAR(a%20b)", "*", "plain%22%20OR%20%22x", "%27%3B%20DROP%20TABLE%20messages%3B--", "%E2%80%AE"]
    {
        let answer = bob.api.get(&format!("/guilds/{}/messages/search?content={hostile}", guild.id)).await.unwrap();
        assert_eq!(answer.status, 200, "{hostile}: {}", answer.text);
    }
    for bad in ["limit=0", "limit=26", "offset=10000", "author_id=abc", "has=everything", "sort_order=up"] {
        let answer = bob.api.get(&format!("/guilds/{}/messages/search?{bad}", guild.id)).await.unwrap();
        assert_error(&answer, 400, 50035);
    }
    let outsider = server.user("outsider").await;
    assert_error(&outsider.api.get(&format!("/guilds/{}/messages/search", guild.id)).await.unwrap(), 404, 10004);
    let all = bob.api.get(&format!("/guilds/{}/messages/search?content=plain", guild.id)).await.unwrap();
    assert_eq!(all.body["total_results"], 1);
}
