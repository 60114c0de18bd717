//! What a simulated user does: the kinds of operation the ramp counts, the weighted choice of
//! the next action (Mattermost's frequencies relative to CreatePost = 1) and the exponential
//! think time before it.

use std::time::Duration;

use rand::Rng;

/// An operation the ramp counts, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `GET /channels/{id}/messages?limit=N` of another channel of the guild: its newest page.
    SwitchChannel,
    /// `GET /channels/{id}/messages?limit=N&before=ID` of the current channel, older than what
    /// the user has seen.
    ScrollChannel,
    /// `POST /channels/{id}/typing`, before each post.
    Typing,
    /// `POST /channels/{id}/messages` with a nonce.
    CreatePost,
    /// `PUT /channels/{c}/messages/{m}/reactions/{emoji}/@me` on a message the user has seen.
    AddReaction,
    /// The gateway connection dropped without a close frame, then RESUME.
    Reconnect,
    /// The gateway session's identify, up to its guild's GUILD_CREATE (joining the ramp, or
    /// again after the server ended the session).
    Identify,
    /// A gateway session the server closed or invalidated unasked; always an error.
    SessionLost,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 8] = [
        Kind::SwitchChannel,
        Kind::ScrollChannel,
        Kind::Typing,
        Kind::CreatePost,
        Kind::AddReaction,
        Kind::Reconnect,
        Kind::Identify,
        Kind::SessionLost,
    ];

    /// Its place in [`Kind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SwitchChannel => "switch_channel",
            Kind::ScrollChannel => "scroll_channel",
            Kind::Typing => "typing",
            Kind::CreatePost => "create_post",
            Kind::AddReaction => "add_reaction",
            Kind::Reconnect => "reconnect",
            Kind::Identify => "identify",
            Kind::SessionLost => "session_lost",
        }
    }

    /// Whether it is a REST request, whose latency the thresholds judge.
    pub fn is_rest(self) -> bool {
        matches!(self, Kind::SwitchChannel | Kind::ScrollChannel | Kind::Typing | Kind::CreatePost | Kind::AddReaction)
    }
}

/// The actions a user chooses between, with Mattermost's relative frequencies (CreatePost = 1;
/// a post is preceded by a typing indicator, which is not chosen on its own).
pub const MIX: [(Kind, f64); 5] = [
    (Kind::SwitchChannel, 6.52),
    (Kind::ScrollChannel, 1.99),
    (Kind::CreatePost, 1.0),
    (Kind::Reconnect, 0.144),
    (Kind::AddReaction, 0.13),
];

/// The longest think time, as a multiple of the mean, so no user sleeps through a run.
const MAX_THINK_MEANS: f64 = 20.0;

/// The action a uniform draw `u` in [0, 1) picks from [`MIX`].
pub fn pick(u: f64) -> Kind {
    let total: f64 = MIX.iter().map(|(_, w)| w).sum();
    let mut point = u.clamp(0.0, 1.0) * total;
    for (kind, weight) in MIX {
        if point < weight {
            return kind;
        }
        point -= weight;
    }
    MIX[MIX.len() - 1].0
}

/// The next action, drawn from `rng`.
pub fn next_action(rng: &mut impl Rng) -> Kind {
    pick(rng.random::<f64>())
}

/// An exponentially distributed think time of mean `mean`, capped at [`MAX_THINK_MEANS`] means.
pub fn think(rng: &mut impl Rng, mean: Duration) -> Duration {
    let u: f64 = rng.random();
    let draw = -(1.0 - u).ln();
    mean.mul_f64(draw.min(MAX_THINK_MEANS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    #[test]
    fn draws_follow_the_weights() {
        let mut rng = SmallRng::seed_from_u64(7);
        let draws = 200_000;
        let mut counts = [0u32; Kind::ALL.len()];
        for _ in 0..draws {
            counts[next_action(&mut rng).index()] += 1;
        }
        let total: f64 = MIX.iter().map(|(_, w)| w).sum();
        for (kind, weight) in MIX {
            let share = f64::from(counts[kind.index()]) / f64::from(draws);
            let expected = weight / total;
            assert!((share - expected).abs() < 0.01 + expected * 0.1, "{kind:?}: {share} against {expected}");
        }
        assert_eq!(counts[Kind::Typing.index()] + counts[Kind::Identify.index()], 0, "never chosen alone");
    }

    #[test]
    fn the_edges_of_the_draw_pick_the_first_and_last_actions() {
        assert_eq!(pick(0.0), Kind::SwitchChannel);
        assert_eq!(pick(0.999_999), Kind::AddReaction);
        assert_eq!(pick(1.0), Kind::AddReaction);
        assert_eq!(pick(6.6 / 9.784), Kind::ScrollChannel);
    }

    #[test]
    fn think_times_average_the_mean_and_are_capped() {
        let mut rng = SmallRng::seed_from_u64(3);
        let mean = Duration::from_millis(100);
        let draws: Vec<Duration> = (0..50_000).map(|_| think(&mut rng, mean)).collect();
        let average = draws.iter().sum::<Duration>().as_secs_f64() / draws.len() as f64;
        assert!((average - 0.1).abs() < 0.005, "{average}");
        assert!(draws.iter().all(|&d| d <= mean * 20));
    }
}
