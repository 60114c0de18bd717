//! Who is online, as this node knows it: the presence of each session (set by identify and
//! op 3, idle after a while without activity), combined per user with their custom status
//! into what this node holds for them in the shared state (`ctx.kv`). Other holders (other
//! nodes, the presence service) hold their own; everyone reads them combined
//! (`accord_service::presence`). A user stays online while any holder's claim lives: this
//! node renews its claims, and a dead node's lapse within [`CLAIM_TTL`].
//!
//! Changes go out as PRESENCE_UPDATE through the bus, coalesced: the changes of a user within
//! [`COALESCE`] make one update, and only if what others see changed. When the user's last
//! holder lets go, their last-seen time is kept.
//!
//! When the shared state is unavailable presence degrades, and nothing else does: reads show
//! everyone offline, writes are dropped with a warning while updates still reach peers from
//! this node's view, and renewal puts this node's users back once it answers again.

mod publisher;
mod sessions;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use accord_api::settings::UserSettings;
use accord_core::Snowflake;
use accord_kv::KvHandle;
use accord_service::ServiceContext;
use accord_service::presence::{Presence, read, record_last_seen};
use serde_json::Value;
use tokio::sync::mpsc;

pub use sessions::platform;
use sessions::{SessionPresence, UserSessions};

/// How long a claim on a user lasts unless renewed: how long a dead node's users stay online.
pub const CLAIM_TTL: Duration = Duration::from_secs(60);
/// How often this node renews its claims (a third of their life, so one failed renewal is
/// harmless), and looks for sessions gone idle (at least twice per idle time) and custom
/// statuses that ended.
const RENEW_EVERY: Duration = Duration::from_secs(20);
/// Changes of one user within this window make one PRESENCE_UPDATE.
pub const COALESCE: Duration = Duration::from_millis(250);

type Local = Mutex<HashMap<Snowflake, UserSessions>>;

/// This node's presences and its handles to the shared state and the publisher.
#[derive(Clone)]
pub struct PresenceBook {
    ctx: ServiceContext,
    /// This node's name as a holder of presence claims.
    holder: Arc<str>,
    local: Arc<Local>,
    idle_after: Duration,
    changes: mpsc::UnboundedSender<Snowflake>,
}

/// Presences read for a set of users: those who show as online.
#[derive(Debug, Clone, Default)]
pub struct Presences(HashMap<Snowflake, Presence>);

impl Presences {
    pub fn get(&self, user: Snowflake) -> Option<&Presence> {
        self.0.get(&user)
    }
}

/// How a session starts out.
pub struct Joining {
    pub user: Snowflake,
    pub session_id: String,
    pub platform: &'static str,
    pub bot: bool,
    /// The status and activities it identified with, if any.
    pub initial: Option<(String, Vec<Value>)>,
}

impl PresenceBook {
    /// A book for this node, with its renewal and publishing tasks (which end with the book).
    pub fn start(ctx: ServiceContext, idle_after: Duration) -> Self {
        let holder: Arc<str> = Arc::from(format!("gateway-{:016x}", rand::random::<u64>()));
        let (changes, receiver) = mpsc::unbounded_channel();
        let local: Arc<Local> = Arc::default();
        let book = Self { ctx: ctx.clone(), holder, local, idle_after, changes };
        tokio::spawn(publisher::run(ctx, Arc::downgrade(&book.local), receiver));
        let every = RENEW_EVERY.min(idle_after / 2).max(Duration::from_millis(100));
        tokio::spawn(renew(Arc::downgrade(&book.local), book.clone_parts(), every));
        book
    }

    /// The presences of those of `users` who show as online; none when the shared state is
    /// unavailable.
    pub async fn online(&self, users: &[Snowflake]) -> Presences {
        let all = read(&self.ctx, users).await;
        Presences(all.into_iter().filter(|(_, p)| p.shown_status() != "offline").collect())
    }

    /// A session identified: it counts from now, with the status it asked for or else the
    /// one the user chose in their settings.
    pub async fn session_started(&self, joining: Joining) {
        let settings = self.settings_of(joining.user).await;
        let (status, activities) = joining.initial.unwrap_or_else(|| (settings.status.clone(), Vec::new()));
        let session = SessionPresence {
            status,
            activities,
            platform: joining.platform,
            bot: joining.bot,
            last_active: Instant::now(),
        };
        {
            let mut local = lock(&self.local);
            let user = local.entry(joining.user).or_default();
            user.apply_settings(&settings);
            user.sessions.insert(joining.session_id, session);
        }
        self.store(joining.user).await;
    }

    /// Op 3 from a session.
    pub async fn session_updated(&self, user: Snowflake, session_id: &str, status: String, activities: Vec<Value>) {
        {
            let mut local = lock(&self.local);
            let Some(session) = local.get_mut(&user).and_then(|u| u.sessions.get_mut(session_id)) else { return };
            session.status = status;
            session.activities = activities;
            session.last_active = Instant::now();
        }
        self.store(user).await;
    }

    /// The session did something (sent more than a heartbeat): it is no longer idle.
    pub async fn session_active(&self, user: Snowflake, session_id: &str) {
        let was_idle = {
            let mut local = lock(&self.local);
            let Some(session) = local.get_mut(&user).and_then(|u| u.sessions.get_mut(session_id)) else { return };
            let idle = session.last_active.elapsed() >= self.idle_after;
            session.last_active = Instant::now();
            idle
        };
        if was_idle {
            self.store(user).await;
        }
    }

    /// A session ended; with the user's last one on this node, this node's claim goes.
    pub async fn session_ended(&self, user: Snowflake, session_id: &str) {
        {
            let mut local = lock(&self.local);
            let Some(sessions) = local.get_mut(&user) else { return };
            sessions.sessions.remove(session_id);
        }
        self.store(user).await;
    }

    /// The user changed their settings: their custom status, and a newly chosen status for
    /// every session.
    pub async fn settings_changed(&self, user: Snowflake, settings: &UserSettings) {
        {
            let mut local = lock(&self.local);
            let Some(sessions) = local.get_mut(&user) else { return };
            sessions.apply_settings(settings);
            if sessions.choose(&settings.status) {
                for session in sessions.sessions.values_mut() {
                    session.status = settings.status.clone();
                }
            }
        }
        self.store(user).await;
    }

    /// A session taken over from a node that died: it keeps the status others saw.
    pub async fn adopt(&self, user: Snowflake, session_id: &str, bot: bool) {
        let seen = read(&self.ctx, &[user]).await.remove(&user);
        let status = seen.map_or_else(|| "online".to_owned(), |p| p.status);
        let status = if status == "offline" { "online".to_owned() } else { status };
        let joining = Joining {
            user,
            session_id: session_id.to_owned(),
            platform: "desktop",
            bot,
            initial: Some((status, Vec::new())),
        };
        self.session_started(joining).await;
    }

    async fn settings_of(&self, user: Snowflake) -> UserSettings {
        match accord_service::settings::document_of(self.ctx.store.as_ref(), user).await {
            Ok(document) => document.settings,
            Err(error) => {
                tracing::warn!(%error, user_id = %user, "settings unreadable; presence uses the defaults");
                UserSettings::default()
            }
        }
    }

    /// Writes what this node holds about `user` to the shared state and queues the change
    /// for publishing.
    async fn store(&self, user: Snowflake) {
        let held = {
            let mut local = lock(&self.local);
            match local.get_mut(&user) {
                Some(sessions) if !sessions.sessions.is_empty() => {
                    let presence = sessions.presence(Instant::now(), self.idle_after);
                    sessions.held = Some(presence.clone());
                    Some(presence)
                }
                Some(_) => {
                    local.remove(&user);
                    None
                }
                None => None,
            }
        };
        write_held(&self.ctx.kv, &self.holder, user, held.as_ref()).await;
        let _ = self.changes.send(user);
    }

    fn clone_parts(&self) -> Renewal {
        Renewal {
            kv: self.ctx.kv.clone(),
            holder: self.holder.clone(),
            idle_after: self.idle_after,
            changes: self.changes.clone(),
        }
    }
}

/// Sets (or, with none, withdraws) this node's value for `user`; a user with no holder left
/// gets their last-seen time.
async fn write_held(kv: &KvHandle, holder: &str, user: Snowflake, held: Option<&Presence>) {
    let outcome = match held {
        Some(presence) => kv.presence_set(user, holder, &presence.to_value(), CLAIM_TTL).await.map(drop),
        None => match kv.presence_clear(user, holder).await {
            Ok(left) if left.is_empty() => {
                record_last_seen(kv, user).await;
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(error) => Err(error),
        },
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, user_id = %user, "presence not written to the shared state; peers still hear of it");
    }
}

fn lock(local: &Local) -> MutexGuard<'_, HashMap<Snowflake, UserSessions>> {
    local.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the renewal task needs besides the local state.
struct Renewal {
    kv: KvHandle,
    holder: Arc<str>,
    idle_after: Duration,
    changes: mpsc::UnboundedSender<Snowflake>,
}

/// Every `every` until the book is dropped: renews this node's claims with its
/// values, and queues for publishing the users whose value changed on its own (a session
/// gone idle, a custom status that ended).
async fn renew(local: Weak<Local>, renewal: Renewal, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(local) = local.upgrade() else { return };
        let (values, changed) = {
            let mut users = lock(&local);
            let now = Instant::now();
            let mut values = Vec::with_capacity(users.len());
            let mut changed = Vec::new();
            for (user, sessions) in users.iter_mut() {
                let presence = sessions.presence(now, renewal.idle_after);
                if sessions.held.as_ref() != Some(&presence) {
                    changed.push(*user);
                }
                sessions.held = Some(presence.clone());
                values.push((*user, presence.to_value()));
            }
            (values, changed)
        };
        drop(local);
        if values.is_empty() {
            continue;
        }
        if let Err(error) = renewal.kv.presence_refresh(&renewal.holder, &values, CLAIM_TTL).await {
            tracing::warn!(%error, users = values.len(), "presence claims not renewed; retrying at the next tick");
            continue;
        }
        for user in changed {
            let _ = renewal.changes.send(user);
        }
    }
}
