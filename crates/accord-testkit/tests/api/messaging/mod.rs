//! The messaging issue's routes: reactions, pins, edits with history, bulk delete, search,
//! read marks, attachments, embeds and replies.

mod attachments;
mod edits;
mod embeds;
mod pins;
mod reactions;
mod read_states;
mod replies;
mod search;

use accord_testkit::{TestGuild, TestUser};
use serde_json::json;

/// `user` reacts to a message with `emoji` (as it goes in the path); returns the status.
pub async fn react(user: &TestUser, channel: &str, message: &str, emoji: &str) -> u16 {
    let path = format!("/channels/{channel}/messages/{message}/reactions/{}/@me", encode(emoji));
    user.api.put(&path, json!({})).await.unwrap().status
}

/// Percent-encodes a path segment the way clients encode emoji.
pub fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.:~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A guild with a member `bob` who may read and send in the text channel.
pub async fn guild_with_bob(server: &accord_testkit::TestServer) -> (TestGuild, TestUser) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    (guild, bob)
}
