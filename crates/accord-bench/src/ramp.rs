//! S3 ramp (capacity): simulated users are added step by step — each a registered member of
//! one of G guilds with one gateway session, doing a realistic mix of actions (switch channel,
//! scroll history, type and post, react, reconnect) after exponential think times — until a
//! window breaks a threshold (errors, mean or p99 REST latency; see [`window`]); the report
//! gives the most users the server supported, or says the ceiling was not reached. Modelled
//! on Mattermost's load-test coordinator and its action frequencies.
//!
//! An embedded server runs on threads of its own, so its CPU time is read apart from the
//! clients'. Every step runs under the one `--timeout` deadline.
//!
//! Parts: [`world`] (setup: users, guilds, channels, seed messages), [`coordinator`] (adds
//! users, closes windows), [`user`] (one user's loop), [`session`] (its gateway session),
//! [`actions`] (its REST actions), [`mix`] (the action mix and think time), [`window`]
//! (tallies and the thresholds), [`row`] (a window in the report), [`report`].

pub mod actions;
pub mod coordinator;
pub mod mix;
pub mod report;
pub mod row;
pub mod session;
pub mod user;
pub mod window;
pub mod world;

use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::ensure;

pub use report::RampReport;

use crate::args::RampArgs;
use crate::target::{Placement, Target};

/// Time kept back from `--timeout` after the ramp, to stop the users (a request or a resume
/// may be in flight) and the server.
const STOP_MARGIN: Duration = Duration::from_secs(30);

/// Runs the ramp against the target `args` names, starting an embedded server on threads of
/// its own if asked to.
pub async fn run(args: &RampArgs) -> anyhow::Result<RampReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(target: &Target, args: &RampArgs, deadline: tokio::time::Instant) -> anyhow::Result<RampReport> {
    let setup_start = Instant::now();
    let world = world::build(&Client::new(target.api_root()), args, deadline).await?;
    let setup = setup_start.elapsed();

    let stop_by = deadline - (STOP_MARGIN + args.request_timeout());
    let ramp_end = (tokio::time::Instant::now() + args.seconds()).min(stop_by);
    ensure!(
        ramp_end >= tokio::time::Instant::now() + args.window(),
        "--seconds and --timeout leave no room for a window of {} s after setup",
        args.window_seconds
    );
    let ramped = coordinator::ramp(target, &world, args, ramp_end, deadline).await?;
    Ok(RampReport {
        target: target.name.clone(),
        guilds: args.guilds,
        channels: args.channels,
        seeded: world.seeded,
        step_users: args.step_users,
        step_seconds: args.step_seconds,
        window_seconds: args.window_seconds,
        max_users: args.max_users,
        think_ms: args.think_ms,
        thresholds: window::Thresholds {
            max_error_pct: args.max_error_pct,
            max_mean_ms: args.max_mean_ms,
            max_p99_ms: args.max_p99_ms,
        },
        setup,
        windows: ramped.windows,
        end: ramped.end,
        total: ramped.total,
        cpu_scope: target.cpu_scope.describe(),
        rss_scope: target.rss_scope.describe(),
    })
}
