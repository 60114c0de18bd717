//! Auto-archiving: once a minute, threads idle for their `auto_archive_duration` are archived,
//! each with its THREAD_UPDATE. In a cluster every chat process runs this; the first to take a
//! round's marker in the shared state does the round (with the shared state down, each does,
//! and a thread archived twice only sends a second THREAD_UPDATE).

use std::future::Future;
use std::time::Duration;

use accord_core::time::now_ms;
use accord_service::ServiceContext;
use accord_service::audience::Audience;
use accord_service::render;
use accord_store::StoreResult;

/// How often idle threads are looked for.
pub const PERIOD: Duration = Duration::from_secs(60);
/// Threads archived per round at most; the rest wait for the next one.
const BATCH: u32 = 500;

/// Archives idle threads every [`PERIOD`] until `stop` completes.
pub async fn run(ctx: ServiceContext, stop: impl Future<Output = ()>) {
    let mut tick = tokio::time::interval(PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => {}
        }
        if !take_round(&ctx).await {
            continue;
        }
        if let Err(error) = archive_idle(&ctx, now_ms()).await {
            tracing::warn!(%error, "archiving idle threads failed; trying again next round");
        }
    }
}

/// Whether this process does the round that starts now.
async fn take_round(ctx: &ServiceContext) -> bool {
    let round = now_ms() / PERIOD.as_millis() as u64;
    let key = format!("threads:archiver:{round}");
    ctx.kv.cache_set_if_absent(&key, "1", PERIOD * 2).await.unwrap_or(true)
}

/// Archives the threads idle at `now`; returns how many.
pub async fn archive_idle(ctx: &ServiceContext, now: u64) -> StoreResult<usize> {
    let stale = ctx.store.stale_threads(now, BATCH).await?;
    for mut thread in stale.iter().cloned() {
        if let Some(meta) = thread.thread.as_mut() {
            (meta.archived, meta.archive_ms) = (true, now);
        }
        let audience = Audience::of(ctx.store.as_ref(), &thread).await?;
        let event = audience.event(ctx, "THREAD_UPDATE", &render::channel(&thread));
        ctx.store.update_thread(&thread, &[event]).await?;
        ctx.events_committed();
    }
    Ok(stale.len())
}
