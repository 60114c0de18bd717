//! S2 chat: S sessions spread over G guilds, W writers posting at a total rate R, each message
//! with a nonce, while some sessions drop their connection and resume. Every acknowledged
//! message must reach every session of its guild once, each writer's in order, and be in REST
//! history; measures POST and send-to-receive latency, and the server's CPU.

mod history;
mod reader;
mod report;
mod writer;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::watch;

pub use report::ChatReport;

use crate::args::ChatArgs;
use crate::clock::SendClock;
use crate::cpu;
use crate::setup::{Crowd, by, crowd, identify};
use crate::target::{Placement, Target};

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);
/// How often the server's memory is sampled for its plot.
pub const RSS_EVERY: Duration = Duration::from_millis(500);

/// Runs the scenario against the target `args` name, starting an embedded server (on threads
/// of its own, so its CPU is told apart from the clients') if asked to.
pub async fn run(args: &ChatArgs) -> anyhow::Result<ChatReport> {
    anyhow::ensure!(args.writers <= args.sessions, "--writers must not exceed --sessions");
    anyhow::ensure!(args.guilds <= args.sessions, "--guilds must not exceed --sessions");
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

/// One guild of the run.
struct Guild {
    crowd: Crowd,
    /// Writers (by number) who post in it, and which of its members each is.
    writers: Vec<(usize, usize)>,
}

async fn run_against(target: &Target, args: &ChatArgs, deadline: tokio::time::Instant) -> anyhow::Result<ChatReport> {
    let (sessions, guild_count, writer_count) = (args.sessions as usize, args.guilds as usize, args.writers as usize);
    let concurrency = args.setup_concurrency as usize;
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();

    let setup_start = Instant::now();
    let mut guilds = Vec::with_capacity(guild_count);
    for g in 0..guild_count {
        // Sessions and writers are dealt round-robin, so guilds differ in size by at most one.
        let members = (sessions + guild_count - 1 - g) / guild_count;
        let crowd = crowd(&anonymous, &format!("c{tag}g{g}"), "Chat", members, concurrency, deadline).await?;
        let writers = (g..writer_count).step_by(guild_count).enumerate().map(|(m, w)| (w, m)).collect();
        guilds.push(Guild { crowd, writers });
    }
    let setup = setup_start.elapsed();

    let rss_before_kib = target.rss_kib();
    let rss = target.sample_rss(RSS_EVERY);
    let base = Instant::now();
    let clocks: Arc<Vec<SendClock>> =
        Arc::new((0..writer_count).map(|_| SendClock::since(base, args.per_writer())).collect());
    let (stop_readers, stop) = watch::channel(false);
    let url = target.gateway_url("");
    let identify_start = Instant::now();
    let members: Vec<(usize, &str)> = guilds
        .iter()
        .enumerate()
        .flat_map(|(g, guild)| guild.crowd.members.iter().map(move |m| (g, m.token.as_str())))
        .collect();
    // Sessions are read from once all have identified; until the posting starts they receive
    // next to nothing (no presence intent), well within a heartbeat interval.
    let identified: Vec<(usize, &str, crate::setup::Identified)> = by(
        deadline,
        "identifying the sessions",
        futures::stream::iter(members.iter())
            .map(|&(g, token)| {
                let url = &url;
                async move { Ok::<_, anyhow::Error>((g, token, identify(url, token, INTENTS, None).await?)) }
            })
            .buffered(concurrency)
            .try_collect(),
    )
    .await??;
    let identify = identify_start.elapsed();

    let send_start = tokio::time::Instant::now() + Duration::from_millis(500);
    let resumes = (args.resumes as usize).min(sessions);
    let max_frames = args.per_writer() * writer_count * 2 + 100_000;
    let mut readers = Vec::with_capacity(sessions);
    for (i, (g, token, identified)) in identified.into_iter().enumerate() {
        let session_id = identified.ready["session_id"].as_str().context("READY without session_id")?.to_owned();
        let progress = Arc::new(AtomicU64::new(0));
        let session = reader::Session {
            client: identified.session,
            url: url.clone(),
            token: token.to_owned(),
            session_id,
            clocks: clocks.clone(),
            drop_at: drop_time(i, sessions, resumes, send_start, args.seconds),
            progress: progress.clone(),
        };
        readers.push((g, progress, tokio::spawn(reader::read(session, stop.clone(), max_frames))));
    }

    let profiled = crate::profile::Phase::start();
    let cpu_before = target.server_cpu_ns();
    let until = send_start + Duration::from_secs(args.seconds);
    let period = args.writer_period();
    let mut posts = Vec::with_capacity(writer_count);
    for guild in &guilds {
        for &(w, m) in &guild.writers {
            let api = anonymous.authorized(format!("Bearer {}", guild.crowd.members[m].token));
            let start = send_start + period.mul_f64(w as f64 / writer_count as f64);
            let plan = writer::Plan {
                api,
                channel: guild.crowd.channel.clone(),
                writer: w,
                clock: clocks.clone(),
                start,
                period,
                until,
            };
            posts.push((w, tokio::spawn(writer::post(plan))));
        }
    }
    let mut posted = Vec::with_capacity(writer_count);
    for (w, post) in posts {
        posted.push((w, by(deadline, "posting", post).await?.context("a writer panicked")?));
    }
    let send_elapsed = send_start.elapsed();
    drop(profiled);
    let cpu_cores = cpu_before.zip(target.server_cpu_ns()).map(|(a, b)| cpu::cores(b.saturating_sub(a), send_elapsed));

    // Which guild each writer posts in, and the ids each guild's sessions should receive.
    let mut guild_of_writer = vec![0; writer_count];
    for (g, guild) in guilds.iter().enumerate() {
        for &(w, _) in &guild.writers {
            guild_of_writer[w] = g;
        }
    }
    let mut acked_by_guild: Vec<HashSet<u64>> = vec![HashSet::new(); guild_count];
    for (w, p) in &posted {
        acked_by_guild[guild_of_writer[*w]].extend(p.acked.iter().map(|&(_, id)| id));
    }

    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    while tokio::time::Instant::now() < drain_deadline
        && readers.iter().any(|(g, progress, _)| progress.load(Ordering::Relaxed) < acked_by_guild[*g].len() as u64)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_after_kib = target.rss_kib();
    let rss_series = rss.finish().await;
    let _ = stop_readers.send(true);
    let mut tallies = Vec::with_capacity(readers.len());
    for (g, _, handle) in readers {
        tallies.push((g, by(deadline, "stopping the readers", handle).await?.context("a reader panicked")?));
    }

    let mut report = ChatReport {
        target: target.name.clone(),
        sessions: sessions as u64,
        guilds: guild_count as u64,
        writers: writer_count as u64,
        rate: u64::from(args.rate),
        seconds: args.seconds,
        setup,
        identify,
        send_elapsed,
        cpu_cores,
        cpu_scope: target.cpu_scope.describe(),
        rss_before_kib,
        rss_after_kib,
        rss_scope: target.rss_scope.describe(),
        rss_series,
        ..ChatReport::default()
    };
    for (_, p) in &posted {
        report.acked += p.acked.len() as u64;
        report.post_failed += p.failed;
        report.post_us.extend(p.latencies_us.iter().map(|&us| u64::from(us)));
        report.first_post_error = report.first_post_error.take().or_else(|| p.first_error.clone());
    }
    report.post_us.sort_unstable();
    let mut samples = Vec::new();
    for (g, tally) in &tallies {
        let acked = &acked_by_guild[*g];
        report.deliveries_expected += acked.len() as u64;
        report.delivered += tally.ids.iter().filter(|id| acked.contains(id)).count() as u64;
        report.duplicates += tally.duplicates;
        report.reordered += tally.reordered;
        samples.extend_from_slice(&tally.latencies);
        match (&tally.resumed_us, &tally.resume_failed) {
            (Some(us), _) => {
                report.resumed += 1;
                report.resume_us.push(*us);
            }
            (None, Some(e)) => {
                report.resume_failed += 1;
                report.first_resume_error.get_or_insert_with(|| e.clone());
            }
            (None, None) => {}
        }
        if let Some(why) = tally.error.clone().or_else(|| tally.closed.map(|code| format!("closed with {code:?}"))) {
            report.ended_early += 1;
            report.first_session_error.get_or_insert(why);
        }
    }
    report.resume_us.sort_unstable();
    report.receive_us = samples.iter().map(|&(_, us)| u64::from(us)).collect();
    report.receive_us.sort_unstable();
    let first_ms = (send_start - tokio::time::Instant::from_std(base)).as_millis() as u32;
    report.seconds_series = report::by_second(&samples, first_ms);

    for (g, guild) in guilds.iter().enumerate() {
        let api = anonymous.authorized(format!("Bearer {}", guild.crowd.lead.token));
        let max_pages = acked_by_guild[g].len() / 100 + 100;
        let stored =
            by(deadline, "reading history", history::read_channel(&api, &guild.crowd.channel, max_pages)).await??;
        let comparison = history::compare(stored, &acked_by_guild[g], writer_count);
        report.history.lost += comparison.lost;
        report.history.duplicated += comparison.duplicated;
        report.history.reordered += comparison.reordered;
        report.history.unacknowledged += comparison.unacknowledged;
    }
    Ok(report)
}

/// When session `i` of `sessions` drops its connection, if it is one of the `resumes` picked:
/// every (sessions / resumes)th session, at evenly spaced times inside the posting.
fn drop_time(
    i: usize,
    sessions: usize,
    resumes: usize,
    send_start: tokio::time::Instant,
    seconds: u64,
) -> Option<tokio::time::Instant> {
    let step = (sessions / resumes.max(1)).max(1);
    if resumes == 0 || !i.is_multiple_of(step) || i / step >= resumes {
        return None;
    }
    let k = i / step;
    Some(send_start + Duration::from_secs(seconds).mul_f64((k + 1) as f64 / (resumes + 1) as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_spread_over_sessions_and_time() {
        let start = tokio::time::Instant::now();
        let picked: Vec<usize> = (0..100).filter(|&i| drop_time(i, 100, 4, start, 10).is_some()).collect();
        assert_eq!(picked, vec![0, 25, 50, 75]);
        assert_eq!(drop_time(25, 100, 4, start, 10), Some(start + Duration::from_secs(4)));
        assert!((0..10).all(|i| drop_time(i, 10, 0, start, 10).is_none()));
        assert_eq!((0..3).filter(|&i| drop_time(i, 3, 5, start, 10).is_some()).count(), 3);
    }
}
