//! `limits ws`: Accord's gateway fan-out without Accord. A bare tokio-tungstenite server on two
//! threads of its own, N client connections in this process; one probe message is sent alone
//! (how long one message takes to reach all N), then M messages, each serialised once and
//! written to every connection. Measures delivered frames/s, send-to-receive latency, the
//! server's CPU (its threads' time, apart from the clients'), and the memory an idle
//! connection adds to this process (server and client ends together).
//!
//! Everything runs under `--timeout`; the clients drain for at most `--drain` after the last
//! broadcast.
//!
//! Parts: [`server`], [`client`] (and the shared tally of deliveries), [`frame`] (the
//! MESSAGE_CREATE frames), [`report`].

pub mod client;
pub mod frame;
pub mod report;
pub mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use report::WsLimitsReport;

use crate::args::{MAX_DELIVERIES, WsLimitsArgs};
use crate::cpu;
use crate::setup::by;
use crate::target::rss_kib;
use client::{ClientOutcome, Deliveries};
use frame::Frames;
use server::{Server, THREADS};

/// How often the run looks whether every connection joined, or the probe reached every client.
const POLL: Duration = Duration::from_millis(1);
/// The pause after the last connection joined before memory is read, for buffers to settle.
const SETTLE: Duration = Duration::from_millis(500);

/// Runs the scenario: starts the server, connects the clients, broadcasts, stops the server.
pub async fn run(args: &WsLimitsArgs) -> anyhow::Result<WsLimitsReport> {
    let (connections, messages) = (args.connections as usize, args.messages as usize + 1);
    let deliveries = u64::from(args.connections) * messages as u64;
    ensure!(deliveries <= MAX_DELIVERIES, "{deliveries} deliveries: at most {MAX_DELIVERIES} per run");
    let deadline = tokio::time::Instant::now() + args.timeout();
    let frames = Frames::new(args.frame_bytes as usize);
    let tally = Arc::new(Deliveries::new(messages));
    let server = Server::start(frames.clone(), tally.clone(), connections)?;
    let mut report = WsLimitsReport::new(args, frames.message_create(1).len());
    let driven = drive(&server, args, &tally, deadline, &mut report).await;
    server.stop(Duration::from_secs(10)).await?;
    driven.map(|()| report)
}

async fn drive(
    server: &Server,
    args: &WsLimitsArgs,
    tally: &Arc<Deliveries>,
    deadline: tokio::time::Instant,
    report: &mut WsLimitsReport,
) -> anyhow::Result<()> {
    let connections = args.connections as usize;
    report.rss_before_kib = rss_kib("self");
    let (stop_clients, stop) = watch::channel(false);
    let connect_start = Instant::now();
    let clients: Vec<JoinHandle<ClientOutcome>> = by(
        deadline,
        "connecting",
        futures::stream::iter(0..connections)
            .map(|_| {
                let (tally, stop) = (tally.clone(), stop.clone());
                async move {
                    let ws = client::connect(server.addr).await?;
                    Ok::<_, anyhow::Error>(tokio::spawn(client::read(ws, tally, stop)))
                }
            })
            .buffer_unordered(args.connect_concurrency as usize)
            .try_collect(),
    )
    .await??;
    wait_until(deadline, "the server registering every connection", || server.connected() >= connections).await?;
    report.connect = connect_start.elapsed();
    tokio::time::sleep(SETTLE).await;
    report.rss_after_kib = rss_kib("self");

    // The probe: one message alone, to every connection.
    server.broadcast(0)?;
    let probe_reached = || tally.received(0) as usize >= connections;
    wait_until(deadline, "the probe reaching every connection", probe_reached).await?;
    report.probe_reach = tally.reach_ns(0).map(Duration::from_nanos);

    let cpu_start = (cpu::threads_cpu_ns(THREADS), cpu::process_cpu_ns("self"), Instant::now());
    let first_send_ns = tally.clock.now_ns();
    let period = (args.rate > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(args.rate)));
    let start = tokio::time::Instant::now();
    for i in 1..tally.clock.len() {
        if let Some(period) = period {
            tokio::time::sleep_until(start + period * u32::try_from(i)?).await;
        }
        server.broadcast(i)?;
    }
    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    let mut all_read = std::pin::pin!(futures::future::join_all(clients));
    let outcomes = match tokio::time::timeout_at(drain_deadline, &mut all_read).await {
        Ok(outcomes) => outcomes,
        Err(_) => {
            let _ = stop_clients.send(true);
            by(tokio::time::Instant::now() + Duration::from_secs(10), "stopping the clients", &mut all_read).await?
        }
    };
    let cpu_end = (cpu::threads_cpu_ns(THREADS), cpu::process_cpu_ns("self"), cpu_start.2.elapsed());
    report.cpu_wall = cpu_end.2;
    report.server_cpu_ns = cpu_end.0.zip(cpu_start.0).map(|(end, start)| end.saturating_sub(start));
    report.process_cpu_ns = cpu_end.1.zip(cpu_start.1).map(|(end, start)| end.saturating_sub(start));

    let mut last_ns = first_send_ns;
    for i in 1..tally.clock.len() {
        if let Some(reach) = tally.reach_ns(i) {
            report.reach_us.push(reach / 1000);
            last_ns = last_ns.max(tally.clock.sent_at(i).unwrap_or(0) + reach);
        }
    }
    report.reach_us.sort_unstable();
    report.delivery = Duration::from_nanos(last_ns - first_send_ns);
    for outcome in outcomes {
        let outcome = outcome.context("a client panicked")?;
        report.delivered_frames += outcome.frames;
        report.delivered_unique += outcome.unique;
        report.latencies_us.extend(outcome.latencies_us);
        if let Some(why) = outcome.ended_early {
            report.ended_early += 1;
            report.first_error.get_or_insert(why);
        }
    }
    report.latencies_us.sort_unstable();
    Ok(())
}

/// Polls `done` every [`POLL`] until it holds, or fails naming `what` at `deadline`.
async fn wait_until(deadline: tokio::time::Instant, what: &str, done: impl Fn() -> bool) -> anyhow::Result<()> {
    by(deadline, what, async {
        // Bounded by `deadline` through `by`.
        while !done() {
            tokio::time::sleep(POLL).await;
        }
    })
    .await
}
