//! A run's participants, through the public API: one guild with K voice channels, N members
//! joined to each with `POST /voice/join`, each connected to the voice node with a headless
//! WebRTC peer that sends audio; then every peer waits for the server's offer of its N-1
//! channel mates' tracks.

use std::time::{Duration, Instant};

use accord_client::Client;
use accord_client::voice::{Sends, VoicePeer};
use anyhow::{Context, ensure};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

use crate::args::VoiceArgs;
use crate::setup::{Account, by, crowd, ok};
use crate::target::Target;

/// A participant in channel `index / N`.
pub struct Participant {
    pub user_id: String,
    pub peer: VoicePeer,
}

/// The participants, channel by channel, and how long setting them up took.
pub struct Rooms {
    pub participants: Vec<Participant>,
    /// Registering the users, creating the guild and its voice channels, joining the guild.
    pub setup: Duration,
    /// Voice joins and media connections (ICE and DTLS done).
    pub connect: Duration,
}

/// Sets up `channels` channels of `args.peers` participants, users named `{prefix}_{i}`.
pub async fn assemble(
    target: &Target,
    args: &VoiceArgs,
    channels: u32,
    prefix: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<Rooms> {
    let (n, concurrency) = (args.peers as usize, args.setup_concurrency as usize);
    let anonymous = Client::new(target.api_root());
    let start = Instant::now();
    let crowd = crowd(&anonymous, prefix, "Voice", n * channels as usize, concurrency, deadline).await?;
    let creating = futures::stream::iter(0..channels)
        .map(|k| {
            let (api, path) = (&crowd.lead_api, format!("/guilds/{}/channels", crowd.guild));
            async move {
                let channel = ok(
                    api.post(&path, json!({ "name": format!("voice-{k}"), "type": 2 })).await?,
                    "create voice channel",
                )?;
                Ok::<_, anyhow::Error>(channel["id"].as_str().context("channel without id")?.to_owned())
            }
        })
        .buffered(concurrency)
        .try_collect::<Vec<String>>();
    let voice_channels = by(deadline, "creating the voice channels", creating).await??;
    let setup = start.elapsed();

    let start = Instant::now();
    let connecting = futures::stream::iter(crowd.members.iter().enumerate())
        .map(|(i, account)| connect(&anonymous, account, &voice_channels[i / n], i))
        .buffered(concurrency)
        .try_collect::<Vec<Participant>>();
    let participants = by(deadline, "joining and connecting media", connecting).await??;
    Ok(Rooms { participants, setup, connect: start.elapsed() })
}

/// `POST /voice/join` as `account`, then a media connection to the endpoint it names.
async fn connect(anonymous: &Client, account: &Account, channel: &str, i: usize) -> anyhow::Result<Participant> {
    let api = anonymous.authorized(format!("Bearer {}", account.token));
    let joined = ok(api.post("/voice/join", json!({ "channel_id": channel })).await?, "voice join")?;
    let endpoint = joined["endpoint"].as_str().context("voice join without endpoint")?;
    let token = joined["token"].as_str().context("voice join without token")?;
    let url = format!("ws://{endpoint}/voice/ws?v=1");
    let sends = Sends { audio: true, ..Sends::default() };
    let peer =
        VoicePeer::connect(&url, token, sends).await.with_context(|| format!("participant {i}: media at {url}"))?;
    let user_id = peer.ready["user_id"].as_str().context("ready without user_id")?.to_owned();
    Ok(Participant { user_id, peer })
}

/// Waits, `within` at most, until every participant's track list holds exactly one audio
/// track from each of its `n - 1` channel mates.
pub async fn negotiated(participants: &[Participant], n: usize, within: Duration) -> anyhow::Result<()> {
    let mates = |i: usize| -> Vec<&str> {
        let first = i / n * n;
        (first..first + n).filter(|&j| j != i).map(|j| participants[j].user_id.as_str()).collect()
    };
    let waits = participants.iter().enumerate().map(|(i, p)| {
        let mates = mates(i);
        p.peer.wait_for(within, move |o| {
            o.tracks.len() == mates.len()
                && o.tracks.values().all(|t| t["kind"] == "audio")
                && mates.iter().all(|m| o.tracks.values().any(|t| t["user_id"] == *m))
        })
    });
    let done = futures::future::join_all(waits).await;
    let missing: Vec<usize> = done.iter().enumerate().filter(|(_, ok)| !**ok).map(|(i, _)| i).collect();
    ensure!(missing.is_empty(), "{}", describe_missing(participants, &missing, n, within));
    Ok(())
}

fn describe_missing(participants: &[Participant], missing: &[usize], n: usize, within: Duration) -> String {
    let first = missing[0];
    let observed = participants[first].peer.observed();
    let tracks: Vec<String> = observed.tracks.values().map(|t| format!("{}:{}", t["user_id"], t["kind"])).collect();
    format!(
        "{} of {} participants lack their {} channel mates' audio tracks after {:.1} s; participant {first} \
         (user {}) has [{}], closed {:?}",
        missing.len(),
        participants.len(),
        n - 1,
        within.as_secs_f64(),
        participants[first].user_id,
        tracks.join(", "),
        observed.closed,
    )
}
