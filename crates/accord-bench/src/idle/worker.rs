//! A worker process of the idle scenario: opens its share of sessions at its ramp rate, says
//! how that went on one JSON line, waits for the go-ahead on standard input, holds every
//! session for the hold while heartbeating at the server's interval (one beat right after
//! identifying, then one per interval from a random point in it, so beats spread as real
//! clients' do), then reports the heartbeat ACK times, any connection the server closed, and
//! when each `burst {k}` message arrived (for the burst scenario).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_client::gateway::{GatewayClient, Received};
use anyhow::Context;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncBufReadExt;
use tokio::sync::watch;

use crate::args::IdleWorkerArgs;

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

#[derive(Default)]
struct Tally {
    acks: Mutex<Vec<u64>>,
    unacked: AtomicU64,
    closes: AtomicU64,
    arrivals: Mutex<Vec<(u32, u64)>>,
}

pub async fn run(args: &IdleWorkerArgs) -> anyhow::Result<()> {
    let tokens = std::fs::read_to_string(&args.tokens).with_context(|| format!("reading {}", args.tokens.display()))?;
    let tokens: Vec<String> = tokens.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let gap = Duration::from_secs_f64(1.0 / f64::from(args.ramp.max(1)));
    let (stop_tx, stop) = watch::channel(false);
    let tally = Arc::new(Tally::default());

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
                holders.push(tokio::spawn(hold(session, tally.clone(), stop.clone())));
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
    for holder in holders {
        let _ = holder.await;
    }
    let acks = std::mem::take(&mut *tally.acks.lock().expect("tally lock"));
    let held = Held {
        ack_us: acks,
        unacked: tally.unacked.load(Ordering::Relaxed),
        unexpected_closes: tally.closes.load(Ordering::Relaxed),
        arrivals: std::mem::take(&mut *tally.arrivals.lock().expect("tally lock")),
    };
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

/// Heartbeats until told to stop, timing each ACK.
async fn hold(mut session: GatewayClient, tally: Arc<Tally>, mut stop: watch::Receiver<bool>) {
    let interval = Duration::from_millis(session.heartbeat_interval.max(1000));
    let mut next_beat = tokio::time::Instant::now() + interval.mul_f64(rand::random::<f64>());
    let mut sent = None;
    if session.heartbeat().await.is_ok() {
        sent = Some(Instant::now());
    }
    loop {
        let wait = next_beat.saturating_duration_since(tokio::time::Instant::now());
        tokio::select! {
            _ = stop.changed() => break,
            received = session.next(wait) => match received {
                Ok(Received::Payload(frame)) if frame["op"] == 11 => {
                    if let Some(at) = sent.take() {
                        tally.acks.lock().expect("tally lock").push(at.elapsed().as_micros() as u64);
                    }
                }
                Ok(Received::Payload(frame)) if frame["t"] == "MESSAGE_CREATE" => {
                    if let Some(k) = frame["d"]["content"].as_str().and_then(burst_index) {
                        tally.arrivals.lock().expect("tally lock").push((k, unix_ns()));
                    }
                }
                Ok(Received::Payload(_)) => {}
                Err(accord_client::gateway::GatewayError::Timeout(_)) => {
                    if sent.is_some() {
                        tally.unacked.fetch_add(1, Ordering::Relaxed);
                    }
                    if session.heartbeat().await.is_err() {
                        tally.closes.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    sent = Some(Instant::now());
                    next_beat += interval;
                }
                Ok(Received::Closed(_)) | Err(_) => {
                    tally.closes.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            },
        }
    }
}

/// The `k` of a `burst {k}` message's content.
pub fn burst_index(content: &str) -> Option<u32> {
    content.strip_prefix("burst ")?.parse().ok()
}

/// Now, in nanoseconds since the Unix epoch: a clock every process on the machine reads alike.
pub fn unix_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}
