//! Message writes and history reads over REST.
//!
//! `post` ([`post::run`]): W writers POST M messages to one channel with C requests in flight;
//! POST throughput, latency and the server's CPU, then the channel's history is checked
//! against the accepted messages.
//!
//! `history` (S6, [`run`]): the same writers seed a channel with M messages (reported as a
//! `post` run), then R readers ask for pages before random points of its history (and some
//! newest pages) for `--seconds`: reads/s, latency, bytes/s, the server's CPU, and a sample
//! of pages compared with the seeded ids.
//!
//! An embedded server runs on threads of its own, so its CPU time is read apart from the
//! clients'. Every step runs under the one `--timeout` deadline.
//!
//! Parts: [`post`] (the writers, shared by both), [`read`] (the readers), [`verify`] (the
//! history check after `post`), [`report`].

pub mod post;
pub mod read;
pub mod report;
pub mod verify;

use std::time::{Duration, Instant};

use anyhow::bail;

pub use report::{HistoryReport, PostReport};

use crate::args::HistoryArgs;
use crate::target::{Placement, Target};

/// Time kept back from `--timeout` while seeding, for the reads and stopping the server.
const READ_MARGIN: Duration = Duration::from_secs(15);

/// Runs `history` against the target `args` names, starting an embedded server on threads of
/// its own if asked to.
pub async fn run(args: &HistoryArgs) -> anyhow::Result<HistoryReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(
    target: &Target,
    args: &HistoryArgs,
    deadline: tokio::time::Instant,
) -> anyhow::Result<HistoryReport> {
    let writers = post::writers(target, &args.write, "hist", deadline).await?;
    // Seeding may take what the timeout leaves once the reads are set aside.
    let seed_until = deadline.into_std().checked_sub(args.read.seconds() + READ_MARGIN);
    let Some(seed_until) = seed_until.filter(|&until| until > Instant::now()) else {
        bail!("--timeout leaves no time to seed before {} s of reads", args.read.seconds);
    };
    let mut written = post::write(target, &writers, &args.write, args.messages, seed_until, deadline).await?;
    let ids = std::mem::take(&mut written.ids);
    let seed = PostReport::new(target, &args.write, args.messages, writers.setup, written, None);
    let reads = read::read(target, &writers, ids, &args.read, deadline).await?;
    Ok(HistoryReport::new(args, seed, reads))
}
