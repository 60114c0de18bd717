//! One simulated user: identifies its gateway session and opens its channel, then, until the
//! ramp stops it, reads its session (heartbeating) and, after each exponential think time,
//! performs an action drawn from the mix. Every operation goes to the coordinator as a
//! [`Sample`]; a session the server ends is an error, and the user identifies again (a few
//! times at most).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::actions::{Rest, View};
use super::mix::{self, Kind};
use super::session::Session;
use super::window::{Cause, Sample};

/// Identifies one user may make: the first, and after sessions the server ended.
const MAX_IDENTIFIES: u32 = 3;

/// Steps (a frame read, or a wake-up for an action or a heartbeat) a user may take per second
/// of its run, far above what it meets: the loop's bound in count, besides its end in time.
const MAX_STEPS_PER_SECOND: u64 = 10_000;

/// Counts every user adds to, which the coordinator reads at the end of each window.
#[derive(Debug, Default)]
pub struct Shared {
    /// MESSAGE_CREATEs received over all sessions.
    pub deliveries: AtomicU64,
    /// Sessions identified and not (yet) ended.
    pub online: AtomicU64,
}

/// One user and where it reports.
pub struct User {
    /// Its number in the run, for its messages' content and nonces.
    pub index: usize,
    pub token: String,
    pub rest: Rest,
    /// Its guild's text channels.
    pub channels: Arc<Vec<String>>,
    /// The channel it opens first.
    pub first_channel: usize,
    pub gateway_url: Arc<str>,
    /// Mean think time between actions.
    pub think: Duration,
    /// Where its operations go, to be tallied in the current window.
    pub samples: mpsc::UnboundedSender<Sample>,
    pub shared: Arc<Shared>,
}

impl User {
    fn report(&self, sample: Sample) {
        // The coordinator stops listening only once the ramp is over.
        let _ = self.samples.send(sample);
    }

    fn report_lost(&self, error: &anyhow::Error) {
        self.shared.online.fetch_sub(1, Ordering::Relaxed);
        let error = Some((Cause::Gateway, format!("{error:#}")));
        self.report(Sample { kind: Kind::SessionLost, latency_us: 0, error });
    }

    /// Identifies, reporting how it went; `None` if it failed.
    async fn identify(&self) -> Option<Session> {
        let started = Instant::now();
        let identified = Session::identify(&self.gateway_url, &self.token).await;
        let latency_us = started.elapsed().as_micros() as u64;
        match identified {
            Ok(session) => {
                self.shared.online.fetch_add(1, Ordering::Relaxed);
                self.report(Sample { kind: Kind::Identify, latency_us, error: None });
                Some(session)
            }
            Err(e) => {
                self.report(Sample {
                    kind: Kind::Identify,
                    latency_us,
                    error: Some((Cause::Gateway, format!("{e:#}"))),
                });
                None
            }
        }
    }
}

/// Runs `user` until `stop` turns true or `until` passes.
pub async fn run(user: User, mut stop: watch::Receiver<bool>, until: Instant) {
    let mut rng = SmallRng::from_rng(&mut rand::rng());
    let Some(mut session) = user.identify().await else { return };
    let mut identifies = 1;
    let mut view = View::default();
    // Opening the client: the newest page of its channel.
    user.report(user.rest.switch(&mut view, &user.channels, user.first_channel).await);
    let mut next_action = Instant::now() + mix::think(&mut rng, user.think);
    let max_steps = until.saturating_duration_since(Instant::now()).as_secs().max(1) * MAX_STEPS_PER_SECOND;
    for _ in 0..max_steps {
        if *stop.borrow() || Instant::now() >= until {
            break;
        }
        let wake = next_action.min(session.next_beat).min(until);
        let read = tokio::select! {
            _ = stop.changed() => break,
            read = session.read_until(wake, &user.gateway_url, &user.token, &user.shared.deliveries) => read,
        };
        let mut healthy = match read {
            Ok(()) => true,
            Err(e) => {
                user.report_lost(&e);
                false
            }
        };
        if healthy && Instant::now() >= next_action {
            healthy = act(&user, &mut session, &mut view, &mut rng).await;
            next_action = Instant::now() + mix::think(&mut rng, user.think);
        }
        if healthy && let Err(e) = session.beat_if_due().await {
            user.report_lost(&e);
            healthy = false;
        }
        if !healthy {
            if identifies == MAX_IDENTIFIES {
                return;
            }
            identifies += 1;
            let Some(fresh) = user.identify().await else { return };
            session = fresh;
        }
    }
    user.shared.online.fetch_sub(1, Ordering::Relaxed);
    session.end();
}

/// Performs the next action of the mix; `false` when it left the session broken (a resume
/// that failed, already reported).
async fn act(user: &User, session: &mut Session, view: &mut View, rng: &mut SmallRng) -> bool {
    let (rest, channels) = (&user.rest, user.channels.as_slice());
    match mix::next_action(rng) {
        Kind::ScrollChannel => user.report(rest.scroll(view, channels).await),
        Kind::CreatePost => rest.post(view, channels, user.index).await.into_iter().for_each(|s| user.report(s)),
        Kind::AddReaction => match rest.react(view, channels, rng).await {
            Some(sample) => user.report(sample),
            // Nothing seen yet to react to: look at the channel first.
            None => user.report(rest.switch(view, channels, view.channel).await),
        },
        Kind::Reconnect => {
            let started = Instant::now();
            let resumed = session.resume(&user.gateway_url, &user.token, &user.shared.deliveries).await;
            let latency_us = started.elapsed().as_micros() as u64;
            let error = resumed.err().map(|e| (Cause::Gateway, format!("{e:#}")));
            let failed = error.is_some();
            user.report(Sample { kind: Kind::Reconnect, latency_us, error });
            if failed {
                user.shared.online.fetch_sub(1, Ordering::Relaxed);
                return false;
            }
        }
        // SwitchChannel: the mix draws nothing else.
        _ => {
            let to = if channels.len() > 1 {
                (view.channel + 1 + rng.random_range(0..channels.len() - 1)) % channels.len()
            } else {
                view.channel
            };
            user.report(rest.switch(view, channels, to).await);
        }
    }
    true
}
