//! A worker process of the idle scenario: opens its share of sessions at its ramp rate, says
//! how that went on one JSON line, waits for the go-ahead on standard input, holds every
//! session for the hold while heartbeating at the server's interval (one beat right after
//! identifying, then one per interval from a random point in it, so beats spread as real
//! clients' do), then reports the heartbeat ACK times, any connection the server closed, and
//! when each `burst {k}` message arrived (for the burst scenario).

use std::time::{Duration, Instant};

use accord_client::gateway::GatewayClient;
use anyhow::Context;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncBufReadExt;
use tokio::sync::watch;

use crate::args::IdleWorkerArgs;
use crate::frame::Frame;

/// GUILDS only: no presence or message traffic, so the sessions stay idle.
pub const IDLE_INTENTS: u64 = 1;
const IDENTIFY_WAIT: Duration = Duration::from_secs(30);

/// The first line a worker prints: its sessions are open (or failed).
#[derive(Debug, Serialize, Deserialize)]
pub struct Opened {
    pub opened: u64,
    pub failed: u64,
    /// Connect to GUILD_CREATE, per opened session, in microseconds.
    pub identify_us: Vec<u64>,
    pub first_error: Option<String>,
}

/// The last line: how the hold went.
#[derive(Debug, Serialize, Deserialize)]
pub struct Held {
    /// Heartbeat to ACK, per beat, in microseconds.
    pub ack_us: Vec<u64>,
    /// Beats sent that got no ACK before the next was due or the hold ended.
    pub unacked: u64,
    /// Sessions the server closed, or whose connection failed, during the hold.
    pub unexpected_closes: u64,
    /// Each `burst {k}` MESSAGE_CREATE received: (k, when, in nanoseconds of the system
    /// clock, which every process on the machine shares).
    #[serde(default)]
    pub arrivals: Vec<(u32, u64)>,
}

/// What one session's hold saw.
#[derive(Default)]
struct Tally {
    acks: Vec<u64>,
    unacked: u64,
    closes: u64,
    arrivals: Vec<(u32, u64)>,
}

pub async fn run(args: &IdleWorkerArgs) -> anyhow::Result<()> {
    let tokens = std::fs::read_to_string(&args.tokens).with_context(|| format!("reading {}", args.tokens.display()))?;
    let tokens: Vec<String> = tokens.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let gap = Duration::from_secs_f64(1.0 / f64::from(args.ramp.max(1)));
    let (stop_tx, stop) = watch::channel(false);

    let mut opening = futures::stream::iter(tokens.into_iter().enumerate())
        .map(|(i, token)| {
            let (gateway, intents) = (args.gateway.clone(), args.intents);
            async move {
                tokio::time::sleep(gap * i as u32).await;
                let started = Instant::now();
                let session = open(&gateway, &token, intents).await;
                (started.elapsed(), session)
            }
        })
        .buffer_unordered(4096);
    let mut opened = Opened { opened: 0, failed: 0, identify_us: Vec::new(), first_error: None };
    let mut holders = Vec::new();
    while let Some((took, session)) = opening.next().await {
        match session {
            Ok(session) => {
                opened.opened += 1;
                opened.identify_us.push(took.as_micros() as u64);
                holders.push(tokio::spawn(hold(session, stop.clone())));
            }
            Err(error) => {
                opened.failed += 1;
                opened.first_error.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    println!("{}", serde_json::to_string(&opened)?);

    let mut go = String::new();
    tokio::io::BufReader::new(tokio::io::stdin()).read_line(&mut go).await.context("waiting for the go-ahead")?;
    tokio::time::sleep(Duration::from_secs(args.hold)).await;
    stop_tx.send_replace(true);
    let mut held = Held { ack_us: Vec::new(), unacked: 0, unexpected_closes: 0, arrivals: Vec::new() };
    for holder in holders {
        let tally = holder.await.unwrap_or_else(|_| Tally { closes: 1, ..Tally::default() });
        held.ack_us.extend(tally.acks);
        held.unacked += tally.unacked;
        held.unexpected_closes += tally.closes;
        held.arrivals.extend(tally.arrivals);
    }
    println!("{}", serde_json::to_string(&held)?);
    Ok(())
}

async fn open(gateway: &str, token: &str, intents: u64) -> anyhow::Result<GatewayClient> {
    let mut session = GatewayClient::connect(gateway).await.context("connect")?;
    session.identify(token, intents).await.context("identify")?;
    session.next_dispatch("READY", IDENTIFY_WAIT).await.context("READY")?;
    session.next_dispatch("GUILD_CREATE", IDENTIFY_WAIT).await.context("GUILD_CREATE")?;
    Ok(session)
}

/// Heartbeats until told to stop, timing each ACK. Frames are read lightly and the tally
/// kept per session: the workers share the two cores with the server they measure.
async fn hold(mut session: GatewayClient, mut stop: watch::Receiver<bool>) -> Tally {
    let mut tally = Tally::default();
    let interval = Duration::from_millis(session.heartbeat_interval.max(1000));
    let beat = tokio::time::sleep(interval.mul_f64(rand::random::<f64>()));
    tokio::pin!(beat);
    let mut sent = None;
    if session.heartbeat().await.is_ok() {
        sent = Some(Instant::now());
    }
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            () = &mut beat => {
                tally.unacked += u64::from(sent.is_some());
                if session.heartbeat().await.is_err() {
                    tally.closes += 1;
                    break;
                }
                sent = Some(Instant::now());
                let next = beat.deadline() + interval;
                beat.as_mut().reset(next);
            }
            received = session.recv_text() => {
                // A close, a failed read or an unreadable frame ends the session early.
                let Ok(Ok(text)) = received else {
                    tally.closes += 1;
                    break;
                };
                let Ok(frame) = Frame::parse(&text) else {
                    tally.closes += 1;
                    break;
                };
                session.last_seq = frame.s.or(session.last_seq);
                if frame.op == 11 {
                    tally.acks.extend(sent.take().map(|at| at.elapsed().as_micros() as u64));
                } else if frame.event() == Some("MESSAGE_CREATE") {
                    let k = frame.d.as_ref().and_then(|d| d.content.as_deref()).and_then(burst_index);
                    tally.arrivals.extend(k.map(|k| (k, unix_ns())));
                }
            }
        }
    }
    tally
}

/// The `k` of a `burst {k}` message's content.
pub fn burst_index(content: &str) -> Option<u32> {
    content.strip_prefix("burst ")?.parse().ok()
}

/// Now, in nanoseconds since the Unix epoch: a clock every process on the machine reads alike.
pub fn unix_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}
