//! The presence scenario: one actor and N watchers join one guild; the watchers identify with
//! GUILDS | GUILD_PRESENCES; the actor sends M op-3 changes in bursts of K, pausing after each
//! burst for longer than the gateway's coalescing window. Each burst should reach every
//! watcher as one PRESENCE_UPDATE carrying the burst's last change. Measures updates per
//! watcher against changes (the coalescing ratio), delivered updates/s, the latency from each
//! burst's last change to its update, and losses.
//!
//! Every change carries an activity named `bench {i}`, so a watcher knows which change an
//! update shows; statuses cycle online, idle, dnd, so consecutive changes also differ in status.
//!
//! Parts: [`actor`] (sends the changes), [`watcher`] (one watcher's reader), [`report`].

mod actor;
mod report;
mod watcher;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::{Context, ensure};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use report::PresenceReport;
pub use watcher::{Update, WatcherOutcome};

use crate::args::PresenceArgs;
use crate::clock::SendClock;
use crate::setup::{by, crowd, identify};
use crate::target::Target;

/// GUILDS: the actor needs no events.
const ACTOR_INTENTS: u64 = 1 << 0;
/// GUILDS | GUILD_PRESENCES.
const WATCHER_INTENTS: u64 = (1 << 0) | (1 << 8);
/// Statuses the changes cycle through; the actor starts `online`, change 0 is `idle`.
const STATUSES: [&str; 3] = ["online", "idle", "dnd"];
/// Setup is over when no watcher has read a dispatch for this long: more than two of the
/// gateway's 250 ms coalescing windows, so the watchers' own presence updates are through.
const QUIET: Duration = Duration::from_millis(600);

/// Runs the scenario against the target `args` name, starting an embedded server if asked to.
pub async fn run(args: &PresenceArgs) -> anyhow::Result<PresenceReport> {
    ensure!(args.burst <= args.changes_per_session, "--burst must not exceed --changes-per-session");
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args(&args.target, None).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

/// The status of change `i`.
pub fn status_of(i: usize) -> &'static str {
    STATUSES[(i + 1) % STATUSES.len()]
}

/// Change `i` as the `d` of op 3.
pub fn change(i: usize) -> Value {
    let activity = json!({ "name": format!("bench {i}"), "type": 0 });
    json!({ "since": null, "status": status_of(i), "activities": [activity], "afk": false })
}

/// The change a PRESENCE_UPDATE (or an op 3) shows, from its `bench {i}` activity.
pub fn change_index(d: &Value) -> Option<usize> {
    d["activities"].as_array()?.iter().find_map(|a| a["name"].as_str()?.strip_prefix("bench ")?.parse().ok())
}

/// The last change of each burst of `burst` among `changes`.
pub fn burst_ends(changes: usize, burst: usize) -> Vec<usize> {
    (0..changes.div_ceil(burst)).map(|b| ((b + 1) * burst).min(changes) - 1).collect()
}

async fn run_against(
    target: &Target,
    args: &PresenceArgs,
    deadline: tokio::time::Instant,
) -> anyhow::Result<PresenceReport> {
    let (watchers, changes) = (args.watchers as usize, args.changes as usize);
    let concurrency = args.setup_concurrency as usize;
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();

    let setup_start = Instant::now();
    let crowd = crowd(&anonymous, &format!("p{tag}"), "Presence", watchers, concurrency, deadline).await?;
    let (actor, accounts) = (crowd.lead, crowd.members);
    let setup = setup_start.elapsed();

    // The actor first, and its coming online published (a window later) before any watcher
    // reads, so the watchers hear of the actor only through the run's changes.
    let url = target.gateway_url("");
    let online = json!({ "since": null, "status": "online", "activities": [], "afk": false });
    let first =
        by(deadline, "identifying the actor", identify(&url, &actor.token, ACTOR_INTENTS, Some(&online))).await??;
    tokio::time::sleep(QUIET).await;
    let actor_id: Arc<str> = first.ready["user"]["id"].as_str().context("READY without user id")?.into();
    let clock = Arc::new(SendClock::new(changes));
    let heard = Arc::new(AtomicU64::new(0));
    let (stop_readers, stop) = watch::channel(false);
    let presence = json!({ "since": null, "status": args.watcher_status, "activities": [], "afk": false });
    let max_frames = 4 * (changes + watchers) + 100_000;
    let identify_start = Instant::now();
    let readers: Vec<JoinHandle<WatcherOutcome>> = by(
        deadline,
        "identifying the watchers",
        futures::stream::iter(&accounts)
            .map(|account| {
                let watch = watcher::Watch {
                    actor: actor_id.clone(),
                    last: changes - 1,
                    max_frames,
                    clock: clock.clone(),
                    heard: heard.clone(),
                    stop: stop.clone(),
                };
                let (url, presence) = (&url, &presence);
                async move {
                    let identified = identify(url, &account.token, WATCHER_INTENTS, Some(presence)).await?;
                    Ok::<_, anyhow::Error>(tokio::spawn(watcher::read(identified.session, watch)))
                }
            })
            .buffer_unordered(concurrency)
            .try_collect(),
    )
    .await??;
    let identify = identify_start.elapsed();
    let setup_updates = by(deadline, "waiting for the watchers' own updates", settle(&heard)).await?;

    let send_start_ns = clock.now_ns();
    let sent =
        by(deadline, "sending the changes", actor::drive(first.session, &url, &actor.token, args, &clock)).await?;
    let send_elapsed = Duration::from_nanos(clock.now_ns() - send_start_ns);
    if let Some(error) = &sent.error {
        eprintln!("the actor stopped early: {error}");
    }

    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    let mut all_read = std::pin::pin!(futures::future::join_all(readers));
    let outcomes = match tokio::time::timeout_at(drain_deadline, &mut all_read).await {
        Ok(outcomes) => outcomes,
        Err(_) => {
            let _ = stop_readers.send(true);
            let grace = tokio::time::Instant::now() + Duration::from_secs(10);
            by(grace, "stopping the readers", &mut all_read).await?
        }
    };
    if let Some(session) = sent.session {
        // Ends the actor's session now rather than when an unclosed one would time out.
        let _ = session.close(1000).await;
    }

    let mut report = PresenceReport {
        target: target.name.clone(),
        watchers: watchers as u64,
        watcher_status: args.watcher_status.clone(),
        changes: changes as u64,
        burst: u64::from(args.burst),
        pause_ms: args.pause_ms,
        setup,
        identify,
        setup_updates,
        sent: sent.sent as u64,
        handoffs: sent.handoffs,
        send_elapsed,
        actor_error: sent.error,
        ..PresenceReport::default()
    };
    let ends: Vec<usize> = burst_ends(changes, args.burst as usize).into_iter().filter(|&e| e < sent.sent).collect();
    let mut last_update_ns = send_start_ns;
    for outcome in outcomes {
        let outcome = outcome.context("a watcher's reader panicked")?;
        if let Some(error) = &outcome.error {
            eprintln!("a watcher's session ended early: {error}");
        }
        last_update_ns = last_update_ns.max(outcome.updates.iter().map(|u| u.at_ns).max().unwrap_or(0));
        report.add_watcher(&outcome, &ends, &clock);
    }
    report.bursts = ends.len() as u64;
    report.latencies_us.sort_unstable();
    report.delivery_elapsed = Duration::from_nanos(last_update_ns - send_start_ns);
    Ok(report)
}

/// Waits until no watcher has read a dispatch for [`QUIET`]; returns how many they read.
async fn settle(heard: &AtomicU64) -> u64 {
    let mut before = heard.load(Ordering::Relaxed);
    loop {
        tokio::time::sleep(QUIET).await;
        let now = heard.load(Ordering::Relaxed);
        if now == before {
            return now;
        }
        before = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_changes_differ_in_status_and_name_their_index() {
        for i in 0..10 {
            assert_ne!(status_of(i), status_of(i + 1));
            assert_eq!(change_index(&change(i)), Some(i));
        }
        assert_ne!(status_of(0), "online", "the first change differs from the starting status");
        assert_eq!(change_index(&json!({ "activities": [] })), None);
        assert_eq!(change_index(&json!({ "status": "online" })), None);
    }

    #[test]
    fn bursts_end_at_every_kth_change_and_at_the_last() {
        assert_eq!(burst_ends(20, 5), [4, 9, 14, 19]);
        assert_eq!(burst_ends(7, 3), [2, 5, 6]);
        assert_eq!(burst_ends(3, 1), [0, 1, 2]);
    }
}
