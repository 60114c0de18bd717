//! A simulated user's REST actions — switch channel, scroll, type and post, react — each timed
//! and classified as a [`Sample`], and what the user sees as it goes: its current channel, how
//! far back it has scrolled, and recent messages it may react to.

use std::collections::VecDeque;
use std::time::Duration;

use accord_client::{Answer, Client, ClientError};
use rand::Rng;
use rand::rngs::SmallRng;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::mix::Kind;
use super::window::{Cause, Sample};

/// Messages a user remembers having seen, for reactions.
const SEEN: usize = 100;

/// The emoji users react with (Unicode, so any member may add them).
const EMOJI: [&str; 5] = ["👍", "😂", "🎉", "👀", "🔥"];

/// How a user reaches the REST API.
pub struct Rest {
    /// Authorized as the user.
    pub api: Client,
    /// A request unanswered after this is a timeout.
    pub timeout: Duration,
    /// Messages per history page.
    pub page: u32,
}

/// Where a user is looking, and what it has seen.
#[derive(Debug, Default)]
pub struct View {
    /// Its current channel (an index into its guild's channels).
    pub channel: usize,
    /// The oldest message seen in the current channel, where a scroll goes on from; `None`
    /// reads the newest page (after a switch failed, or once a scroll reached the start).
    pub oldest: Option<u64>,
    /// Recent messages seen, (channel index, id), newest last.
    pub seen: VecDeque<(usize, u64)>,
    /// Messages posted so far, for each post's content and nonce.
    pub posts: u64,
}

impl View {
    fn remember(&mut self, channel: usize, id: u64) {
        if self.seen.len() == SEEN {
            self.seen.pop_front();
        }
        self.seen.push_back((channel, id));
    }
}

impl Rest {
    /// Sends one request, timing it; returns its sample, and its body when it succeeded.
    async fn timed(
        &self,
        kind: Kind,
        request: impl Future<Output = Result<Answer, ClientError>>,
    ) -> (Sample, Option<Value>) {
        let started = Instant::now();
        let answered = tokio::time::timeout(self.timeout, request).await;
        let latency_us = started.elapsed().as_micros() as u64;
        let (error, body) = match answered {
            Err(_) => (Some((Cause::Timeout, format!("no answer within {:?}", self.timeout))), None),
            Ok(Err(e)) => (Some((Cause::Transport, e.to_string())), None),
            Ok(Ok(a)) if (200..300).contains(&a.status) => (None, Some(a.body)),
            Ok(Ok(a)) => {
                let cause = if a.status >= 500 { Cause::Server } else { Cause::Refused };
                (Some((cause, format!("{} {}", a.status, a.text))), None)
            }
        };
        (Sample { kind, latency_us, error }, body)
    }

    /// Reads a page of `channel` (index `c`), older than `before` if given, as `kind`, and
    /// remembers its messages; returns the sample and the page's ids, when it was read.
    async fn read_page(
        &self,
        kind: Kind,
        view: &mut View,
        (c, channel): (usize, &str),
        before: Option<u64>,
    ) -> (Sample, Option<Vec<u64>>) {
        let before = before.map_or(String::new(), |b| format!("&before={b}"));
        let path = format!("/channels/{channel}/messages?limit={}{before}", self.page);
        let (mut sample, body) = self.timed(kind, self.api.get(&path)).await;
        let Some(body) = body else { return (sample, None) };
        let Some(page) = body.as_array() else {
            sample.error = Some((Cause::Refused, "a history page that is not a list".into()));
            return (sample, None);
        };
        let ids: Vec<u64> = page.iter().filter_map(|m| m["id"].as_str()?.parse().ok()).collect();
        // Pages come newest first; remember them oldest first, so the newest stay longest.
        for &id in ids.iter().rev() {
            view.remember(c, id);
        }
        (sample, Some(ids))
    }

    /// SwitchChannel: reads the newest page of channel `to`, which becomes the current one.
    pub async fn switch(&self, view: &mut View, channels: &[String], to: usize) -> Sample {
        let (sample, ids) = self.read_page(Kind::SwitchChannel, view, (to, &channels[to]), None).await;
        view.channel = to;
        view.oldest = ids.and_then(|ids| ids.into_iter().min());
        sample
    }

    /// ScrollChannel: reads the page before the oldest message seen in the current channel;
    /// after a short page (the channel's start) the next scroll reads the newest again.
    pub async fn scroll(&self, view: &mut View, channels: &[String]) -> Sample {
        let c = view.channel;
        let before = view.oldest;
        let (sample, ids) = self.read_page(Kind::ScrollChannel, view, (c, &channels[c]), before).await;
        if let Some(ids) = ids {
            let full = ids.len() >= self.page as usize;
            view.oldest = ids.into_iter().min().filter(|_| full);
        }
        sample
    }

    /// CreatePost: a typing indicator, then a message with a nonce to the current channel;
    /// returns both samples.
    pub async fn post(&self, view: &mut View, channels: &[String], user: usize) -> [Sample; 2] {
        let c = view.channel;
        let channel = &channels[c];
        let (typing, _) =
            self.timed(Kind::Typing, self.api.send(Method::POST, &format!("/channels/{channel}/typing"), None)).await;
        view.posts += 1;
        let n = view.posts;
        let body = json!({
            "content": format!("ramp user {user} says something, message {n}"),
            "nonce": format!("r{user}-{n}"),
        });
        let (mut post, answer) =
            self.timed(Kind::CreatePost, self.api.post(&format!("/channels/{channel}/messages"), body)).await;
        match answer.as_ref().and_then(|m| m["id"].as_str()?.parse::<u64>().ok()) {
            Some(id) => view.remember(c, id),
            None if post.error.is_none() => post.error = Some((Cause::Refused, "a message without id".into())),
            None => {}
        }
        [typing, post]
    }

    /// AddReaction: one of the emoji on a message seen lately; `None` when nothing was seen.
    pub async fn react(&self, view: &View, channels: &[String], rng: &mut SmallRng) -> Option<Sample> {
        if view.seen.is_empty() {
            return None;
        }
        let (c, id) = view.seen[rng.random_range(0..view.seen.len())];
        let emoji = encoded(EMOJI[rng.random_range(0..EMOJI.len())]);
        let path = format!("/channels/{}/messages/{id}/reactions/{emoji}/@me", channels[c]);
        let (sample, _) = self.timed(Kind::AddReaction, self.api.send(Method::PUT, &path, None)).await;
        Some(sample)
    }
}

/// `text` percent-encoded byte by byte, for a path segment.
fn encoded(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_are_percent_encoded_for_the_path() {
        assert_eq!(encoded("👍"), "%F0%9F%91%8D");
    }

    #[test]
    fn a_view_remembers_the_latest_messages() {
        let mut view = View::default();
        for id in 0..(SEEN as u64 + 5) {
            view.remember(1, id);
        }
        assert_eq!(view.seen.len(), SEEN);
        assert_eq!((view.seen.front(), view.seen.back()), (Some(&(1, 5)), Some(&(1, SEEN as u64 + 4))));
    }
}
