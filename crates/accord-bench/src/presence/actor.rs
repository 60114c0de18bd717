//! The actor: sends the run's changes as op 3 in bursts, reads and heartbeats through each
//! pause, and moves to a fresh session of the same user before one session would send more
//! than `--changes-per-session` (the gateway closes a connection that sends more than 120
//! payloads in 60 s). The fresh session identifies with the last change sent, so others see no
//! difference; the old one is closed with 1000, and the next burst waits until the gateway has
//! forgotten it: while both live, others see the two sessions' presences combined.

use std::time::Duration;

use accord_client::gateway::{GatewayClient, GatewayError, Received};
use anyhow::{Context, bail};
use tokio::time::Instant;

use super::{ACTOR_INTENTS, change};
use crate::args::PresenceArgs;
use crate::clock::SendClock;
use crate::setup::identify;

/// How long after a close with 1000 the gateway may still count the session: it forgets ended
/// sessions once a second.
const FORGOTTEN_WITHIN: Duration = Duration::from_secs(1);

/// What the actor did.
#[derive(Default)]
pub struct ActorOutcome {
    /// Changes sent.
    pub sent: usize,
    /// Moves to a fresh session.
    pub handoffs: u64,
    /// Why the actor stopped before sending every change.
    pub error: Option<String>,
    /// The actor's session, kept open until the watchers are done.
    pub session: Option<GatewayClient>,
}

/// The actor's session and how much of its budget it has used.
struct Actor<'a> {
    session: GatewayClient,
    url: &'a str,
    token: &'a str,
    /// Changes sent on this session.
    sent_here: usize,
    next_beat: Instant,
}

/// Sends every change of the run on `session` (and its successors).
pub async fn drive(
    session: GatewayClient,
    url: &str,
    token: &str,
    args: &PresenceArgs,
    clock: &SendClock,
) -> ActorOutcome {
    let mut actor = Actor { session, url, token, sent_here: 0, next_beat: Instant::now() };
    let mut outcome = ActorOutcome::default();
    if let Err(error) = actor.send_all(args, clock, &mut outcome).await {
        outcome.error = Some(format!("{error:#}"));
    }
    outcome.session = Some(actor.session);
    outcome
}

impl Actor<'_> {
    async fn send_all(
        &mut self,
        args: &PresenceArgs,
        clock: &SendClock,
        outcome: &mut ActorOutcome,
    ) -> anyhow::Result<()> {
        // Identify may have been a while ago: beat now, then on the server's interval.
        self.beat().await?;
        let (changes, burst) = (clock.len(), args.burst as usize);
        for start in (0..changes).step_by(burst) {
            let end = (start + burst).min(changes);
            if self.sent_here + (end - start) > args.changes_per_session as usize {
                self.hand_off(start - 1).await?;
                outcome.handoffs += 1;
                self.idle(FORGOTTEN_WITHIN + args.pause()).await?;
            }
            for i in start..end {
                clock.mark_sent(i);
                self.session.send(3, change(i)).await.with_context(|| format!("sending change {i}"))?;
                self.sent_here += 1;
                outcome.sent += 1;
            }
            if end < changes {
                self.idle(args.pause()).await?;
            }
        }
        Ok(())
    }

    /// Identifies a fresh session showing change `last`, then closes the current one.
    async fn hand_off(&mut self, last: usize) -> anyhow::Result<()> {
        let fresh = identify(self.url, self.token, ACTOR_INTENTS, Some(&change(last)))
            .await
            .context("identifying the actor's next session")?;
        let old = std::mem::replace(&mut self.session, fresh.session);
        old.close(1000).await.context("closing the actor's previous session")?;
        self.sent_here = 0;
        self.beat().await
    }

    /// Reads (and discards) what the server sends for `pause`, heartbeating when due.
    async fn idle(&mut self, pause: Duration) -> anyhow::Result<()> {
        let until = Instant::now() + pause;
        loop {
            let now = Instant::now();
            if now >= self.next_beat {
                self.beat().await?;
            }
            if now >= until {
                return Ok(());
            }
            match self.session.next(until.min(self.next_beat) - now).await {
                Ok(Received::Payload(frame)) if frame["op"] == 1 => self.next_beat = Instant::now(),
                Ok(Received::Payload(_)) | Err(GatewayError::Timeout(_)) => {}
                Ok(Received::Closed(code)) => bail!("the server closed the actor's session with {code:?}"),
                Err(e) => return Err(e).context("reading the actor's session"),
            }
        }
    }

    async fn beat(&mut self) -> anyhow::Result<()> {
        self.session.heartbeat().await.context("heartbeat")?;
        // A little before each interval ends, so the server never misses one.
        let interval = Duration::from_millis(self.session.heartbeat_interval.max(1000) * 9 / 10);
        self.next_beat = Instant::now() + interval;
        Ok(())
    }
}
