//! Holds set over REST that run out: the shared state forgets them on its own, but nobody
//! would tell the user's peers. This process remembers when each of its holds ends and, once
//! it has, publishes the user's presence if they went offline with it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_service::ServiceContext;
use accord_service::presence::{Presence, publish, read, record_last_seen};

/// How often ended holds are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone, Default)]
pub struct Lapses(Arc<Mutex<HashMap<Snowflake, Instant>>>);

impl Lapses {
    pub fn start(ctx: ServiceContext) -> Self {
        let lapses = Self::default();
        tokio::spawn(sweep(ctx, Arc::downgrade(&lapses.0)));
        lapses
    }

    /// The user's hold by this process now ends at `ends`.
    pub fn held_until(&self, user: Snowflake, ends: Instant) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(user, ends);
    }
}

async fn sweep(ctx: ServiceContext, holds: std::sync::Weak<Mutex<HashMap<Snowflake, Instant>>>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(holds) = holds.upgrade() else { return };
        let ended: Vec<Snowflake> = {
            let mut holds = holds.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let ended = holds.iter().filter(|(_, ends)| **ends <= now).map(|(user, _)| *user).collect();
            holds.retain(|_, ends| *ends > now);
            ended
        };
        drop(holds);
        if ended.is_empty() {
            continue;
        }
        let online = read(&ctx, &ended).await;
        for user in ended.into_iter().filter(|u| !online.contains_key(u)) {
            record_last_seen(&ctx.kv, user).await;
            publish(&ctx, user, &Presence::offline()).await;
        }
    }
}
