//! The coordinator: adds `--step-users` users every `--step-seconds`, tallies what they report
//! in windows of `--window-seconds`, and checks each window against the thresholds; stops at
//! the first window that breaks one, after a whole window at `--max-users`, or when no whole
//! window fits in the time left.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use accord_client::Client;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::actions::Rest;
use super::report::End;
use super::row::Row;
use super::user::{self, Shared, User};
use super::window::{Latency, Sample, Tally, Thresholds};
use super::world::World;
use crate::args::RampArgs;
use crate::cpu;
use crate::setup::by;
use crate::target::{CpuScope, Target};

/// Samples taken off the channel at a time.
const BATCH: usize = 1024;

/// Wake-ups (batches of samples, steps, the window's end) one window may take: its bound in
/// count, besides its end in time.
const MAX_WAKES_PER_WINDOW: usize = 10_000_000;

/// What the ramp measured.
pub struct Ramped {
    pub windows: Vec<Row>,
    pub end: End,
    /// Every window's operations together, samples sorted.
    pub total: Tally,
}

/// The server's and this process's CPU time, and when they were read.
struct Reading {
    at: Instant,
    server_ns: Option<u64>,
    clients_ns: Option<u64>,
    deliveries: u64,
}

impl Reading {
    fn take(target: &Target, shared: &Shared) -> Self {
        let server_ns = target.server_cpu_ns();
        let me = cpu::process_cpu_ns("self");
        let clients_ns = match target.cpu_scope {
            // The embedded server's threads are this process's too.
            CpuScope::ServerThreads => me.zip(server_ns).map(|(me, server)| me.saturating_sub(server)),
            CpuScope::ThisProcess => None,
            CpuScope::Server(_) | CpuScope::None => me,
        };
        Self { at: Instant::now(), server_ns, clients_ns, deliveries: shared.deliveries.load(Ordering::Relaxed) }
    }
}

/// What a new user needs, shared by all.
struct Spawner<'a> {
    world: &'a World,
    args: &'a RampArgs,
    anonymous: Client,
    gateway_url: Arc<str>,
    samples: mpsc::UnboundedSender<Sample>,
    stop: watch::Receiver<bool>,
    shared: Arc<Shared>,
    /// The users end by it even if never stopped.
    deadline: Instant,
}

impl Spawner<'_> {
    /// Starts user `i`.
    fn spawn(&self, i: usize) -> JoinHandle<()> {
        let (guild, account, first_channel) = self.world.user(i);
        let user = User {
            index: i,
            token: account.token.clone(),
            rest: Rest {
                api: self.anonymous.authorized(format!("Bearer {}", account.token)),
                timeout: self.args.request_timeout(),
                page: self.args.page,
            },
            channels: guild.channels.clone(),
            first_channel,
            gateway_url: self.gateway_url.clone(),
            think: self.args.think(),
            samples: self.samples.clone(),
            shared: self.shared.clone(),
        };
        tokio::spawn(user::run(user, self.stop.clone(), self.deadline))
    }
}

/// Runs the ramp over `world`'s users until it ends by `ramp_end`; the users are stopped and
/// joined by `deadline`.
pub async fn ramp(
    target: &Target,
    world: &World,
    args: &RampArgs,
    ramp_end: Instant,
    deadline: Instant,
) -> anyhow::Result<Ramped> {
    let thresholds =
        Thresholds { max_error_pct: args.max_error_pct, max_mean_ms: args.max_mean_ms, max_p99_ms: args.max_p99_ms };
    let (samples_tx, mut samples) = mpsc::unbounded_channel::<Sample>();
    let (stop_users, stop) = watch::channel(false);
    let shared = Arc::new(Shared::default());
    let spawner = Spawner {
        world,
        args,
        anonymous: Client::new(target.api_root()),
        gateway_url: target.gateway_url("").into(),
        samples: samples_tx,
        stop,
        shared: shared.clone(),
        deadline,
    };
    let max_users = args.max_users as usize;
    let mut users: Vec<JoinHandle<()>> = Vec::with_capacity(max_users);

    let start = Instant::now();
    let mut next_step = start;
    let mut windows = Vec::new();
    let mut total = Tally::default();
    let mut batch = Vec::with_capacity(BATCH);
    let max_windows = (ramp_end - start).as_secs() / args.window_seconds + 1;
    let mut end = End::Time;
    for index in 0..max_windows as usize {
        let window_end = start + args.window() * (index as u32 + 1);
        if window_end > ramp_end {
            break;
        }
        let (before, users_start) = (Reading::take(target, &shared), users.len() as u32);
        let mut tally = Tally::default();
        for _ in 0..MAX_WAKES_PER_WINDOW {
            let now = Instant::now();
            if now >= window_end {
                break;
            }
            if now >= next_step && users.len() < max_users {
                for i in users.len()..(users.len() + args.step_users as usize).min(max_users) {
                    users.push(spawner.spawn(i));
                }
                next_step += args.step();
            }
            let wake = if users.len() < max_users { next_step.min(window_end) } else { window_end };
            tokio::select! {
                _ = samples.recv_many(&mut batch, BATCH) => batch.drain(..).for_each(|s| tally.add(s)),
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
        // What arrived by the window's end, bounded as the window's wake-ups are.
        for _ in 0..MAX_WAKES_PER_WINDOW {
            let Ok(sample) = samples.try_recv() else { break };
            tally.add(sample);
        }
        let after = Reading::take(target, &shared);
        let users_end = users.len() as u32;
        let row = close(&mut tally, &thresholds, (&before, &after), start, (users_start, users_end), &shared, target);
        let (breached, full) = (!row.breaches.is_empty(), row.users_start as usize == max_users);
        total.absorb(tally);
        windows.push(row);
        if breached {
            end = End::Breached(index);
            break;
        }
        if full {
            end = End::MaxUsers;
            break;
        }
    }

    let _ = stop_users.send(true);
    for handle in users {
        by(deadline, "stopping the users", handle).await??;
    }
    total.sort();
    Ok(Ramped { windows, end, total })
}

/// The row of a window: its counts, latency (sorting its samples) and CPU between two readings.
fn close(
    tally: &mut Tally,
    thresholds: &Thresholds,
    (before, after): (&Reading, &Reading),
    start: Instant,
    (users_start, users_end): (u32, u32),
    shared: &Shared,
    target: &Target,
) -> Row {
    tally.sort();
    let latency = Latency::of(&tally.rest_us);
    let breaches = thresholds.check(tally, &latency);
    let wall = after.at - before.at;
    let cores = |a: Option<u64>, b: Option<u64>| Some(cpu::cores(b?.saturating_sub(a?), wall));
    let seconds = |at: Instant| (at - start).as_secs_f64();
    Row {
        start_s: seconds(before.at),
        end_s: seconds(after.at),
        users_start,
        users_end,
        online: shared.online.load(Ordering::Relaxed),
        deliveries: after.deliveries - before.deliveries,
        server_cores: cores(before.server_ns, after.server_ns),
        clients_cores: cores(before.clients_ns, after.clients_ns),
        rss_kib: target.rss_kib(),
        latency,
        breaches,
        tally: tally.counts(),
    }
}
