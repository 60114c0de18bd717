//! What a ramp measured: one row per window and the run's totals, as an aligned text table,
//! one JSON value, and two plots (REST latency, users) over the seconds of the ramp.

use std::time::Duration;

use serde_json::{Value, json};

use super::mix::Kind;
use super::row::{self, Row};
use super::window::{Breach, Cause, Latency, Tally, Thresholds};
use crate::report::{Line, Plot, Report};
use crate::stats::{ms, ms_text};

/// Why the ramp stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The window of this index broke a threshold.
    Breached(usize),
    /// A whole window ran at `--max-users` and held.
    MaxUsers,
    /// `--seconds` (or `--timeout`) left no room for another whole window.
    Time,
}

#[derive(Debug, Clone)]
pub struct RampReport {
    pub target: String,
    pub guilds: u32,
    pub channels: u32,
    pub seeded: u64,
    pub step_users: u32,
    pub step_seconds: u64,
    pub window_seconds: u64,
    pub max_users: u32,
    pub think_ms: u64,
    pub thresholds: Thresholds,
    /// Registering, building the guilds and seeding them.
    pub setup: Duration,
    pub windows: Vec<Row>,
    pub end: End,
    /// Every window's operations together, samples sorted.
    pub total: Tally,
    pub cpu_scope: String,
    pub rss_scope: String,
}

impl RampReport {
    /// The most users whose window held every threshold: the users at the end of the last
    /// window before the first that broke one (users only grow); 0 if the first broke.
    pub fn supported_users(&self) -> u32 {
        self.windows.iter().take_while(|w| w.breaches.is_empty()).last().map_or(0, |w| w.users_end)
    }

    /// Whether a threshold broke, so the supported users are a ceiling and not a floor.
    pub fn ceiling_reached(&self) -> bool {
        matches!(self.end, End::Breached(_))
    }

    fn outcome_text(&self) -> String {
        let supported = self.supported_users();
        match self.end {
            End::Breached(i) => {
                let why: Vec<String> = self.windows[i].breaches.iter().map(Breach::to_string).collect();
                format!("{supported} users supported; window {i} broke: {}", why.join(", "))
            }
            End::MaxUsers => format!("ceiling not reached: {supported} users (--max-users) and every window held"),
            End::Time => format!("ceiling not reached: {supported} users when the time ran out, every window held"),
        }
    }
}

impl Report for RampReport {
    fn to_text(&self) -> String {
        let t = &self.total;
        let kinds: Vec<String> = Kind::ALL
            .iter()
            .filter(|&&k| k != Kind::SessionLost)
            .map(|&k| format!("{} {}", k.name(), t.ok_of(k)))
            .collect();
        let failed: Vec<String> = Kind::ALL
            .iter()
            .filter(|&&k| t.failed_of(k) > 0)
            .map(|&k| format!("{} {}", k.name(), t.failed_of(k)))
            .collect();
        let mut causes: Vec<String> =
            Cause::ALL.iter().zip(t.causes).map(|(c, n)| format!("{} {n}", c.name())).collect();
        if !failed.is_empty() {
            causes.push(format!("by kind: {}", failed.join(", ")));
        }
        let first = t.first_error.as_ref().map_or_else(String::new, |e| format!("\n  first error: {e}"));
        let deliveries: u64 = self.windows.iter().map(|w| w.deliveries).sum();
        let latency = Latency::of(&t.rest_us);
        let mut text = format!(
            "ramp: +{} users every {} s up to {}, {} guilds x {} channels ({} seed messages), think {} ms, \
             windows of {} s, target {}\n  \
             thresholds:  errors <= {} %, mean <= {} ms, p99 <= {} ms per window\n  \
             result:      {}\n  \
             setup:       {:.1} s (register, join, channels, seed)\n  \
             succeeded:   {}\n  \
             errors:      {} of {} ({}){first}\n  \
             latency:     REST mean {} ms p50 {} p99 {} max {}; reconnect p50 {} max {}; identify p50 {} max {}\n  \
             deliveries:  {deliveries} MESSAGE_CREATEs received\n  \
             server CPU:  {}; memory: {}\n\n",
            self.step_users,
            self.step_seconds,
            self.max_users,
            self.guilds,
            self.channels,
            self.seeded,
            self.think_ms,
            self.window_seconds,
            self.target,
            self.thresholds.max_error_pct,
            self.thresholds.max_mean_ms,
            self.thresholds.max_p99_ms,
            self.outcome_text(),
            self.setup.as_secs_f64(),
            kinds.join(", "),
            t.errors(),
            t.operations(),
            causes.join(", "),
            row::opt(latency.mean_ms, 2),
            ms_text(&t.rest_us, 50.0),
            ms_text(&t.rest_us, 99.0),
            ms_text(&t.rest_us, 100.0),
            ms_text(&t.reconnect_us, 50.0),
            ms_text(&t.reconnect_us, 100.0),
            ms_text(&t.identify_us, 50.0),
            ms_text(&t.identify_us, 100.0),
            self.cpu_scope,
            self.rss_scope,
        );
        text.push_str(&row::table(&self.windows));
        text.truncate(text.trim_end().len());
        text
    }

    fn to_json(&self) -> Value {
        let t = &self.total;
        json!({
            "scenario": "ramp",
            "target": self.target,
            "guilds": self.guilds,
            "channels": self.channels,
            "seeded": self.seeded,
            "step_users": self.step_users,
            "step_s": self.step_seconds,
            "window_s": self.window_seconds,
            "max_users": self.max_users,
            "think_ms": self.think_ms,
            "thresholds": { "max_error_pct": self.thresholds.max_error_pct, "max_mean_ms": self.thresholds.max_mean_ms,
                            "max_p99_ms": self.thresholds.max_p99_ms },
            "supported_users": self.supported_users(),
            "ceiling_reached": self.ceiling_reached(),
            "end": match self.end { End::Breached(_) => "breached", End::MaxUsers => "max_users", End::Time => "time" },
            "setup_s": row::round2(self.setup.as_secs_f64()),
            "operations": t.operations(),
            "errors": t.errors(),
            "causes": Cause::ALL.iter().zip(t.causes).map(|(c, n)| (c.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "first_error": t.first_error,
            "by_kind": row::by_kind(t),
            "latency": row::latency_json(&Latency::of(&t.rest_us)),
            "reconnect_ms": { "p50": ms(&t.reconnect_us, 50.0), "max": ms(&t.reconnect_us, 100.0) },
            "identify_ms": { "p50": ms(&t.identify_us, 50.0), "max": ms(&t.identify_us, 100.0) },
            "cpu_scope": self.cpu_scope,
            "rss_scope": self.rss_scope,
            "windows": self.windows.iter().map(Row::to_json).collect::<Vec<_>>(),
        })
    }

    fn plots(&self) -> Vec<Plot> {
        let series = |value: fn(&Row) -> Option<f64>| -> Vec<(f64, f64)> {
            self.windows.iter().filter_map(|w| Some((w.end_s, value(w)?))).collect()
        };
        let mut users: Vec<(f64, f64)> =
            self.windows.first().map(|w| (w.start_s, f64::from(w.users_start))).into_iter().collect();
        users.extend(self.windows.iter().map(|w| (w.end_s, f64::from(w.users_end))));
        vec![
            Plot {
                file: "latency".into(),
                title: "REST latency per window".into(),
                y_label: "ms".into(),
                lines: vec![
                    Line::new("p50", series(|w| w.latency.p50_ms)),
                    Line::new("p99", series(|w| w.latency.p99_ms)),
                    Line::new("mean", series(|w| w.latency.mean_ms)),
                ],
            },
            Plot {
                file: "users".into(),
                title: "Simulated users".into(),
                y_label: "users".into(),
                lines: vec![Line::new("users", users), Line::new("online", series(|w| Some(w.online as f64)))],
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(users_end: u32, breaches: Vec<Breach>) -> Row {
        Row { end_s: f64::from(users_end), users_end, breaches, ..Row::default() }
    }

    fn report(windows: Vec<Row>, end: End) -> RampReport {
        RampReport {
            target: "embedded".into(),
            guilds: 1,
            channels: 1,
            seeded: 0,
            step_users: 8,
            step_seconds: 2,
            window_seconds: 10,
            max_users: 100,
            think_ms: 5000,
            thresholds: Thresholds { max_error_pct: 0.025, max_mean_ms: 100.0, max_p99_ms: 2000.0 },
            setup: Duration::ZERO,
            windows,
            end,
            total: Tally::default(),
            cpu_scope: String::new(),
            rss_scope: String::new(),
        }
    }

    #[test]
    fn the_supported_users_are_the_last_held_window_before_the_breach() {
        let broke = vec![Breach::Mean { ms: 150.0 }];
        let r = report(vec![window(40, vec![]), window(80, vec![]), window(120, broke)], End::Breached(2));
        assert_eq!((r.supported_users(), r.ceiling_reached()), (80, true));
        assert!(r.to_text().contains("80 users supported; window 2 broke: mean latency 150.0 ms"), "{}", r.to_text());
        assert_eq!(r.to_json()["supported_users"], 80);
        let first = report(vec![window(8, vec![Breach::P99 { ms: 3000.0 }])], End::Breached(0));
        assert_eq!(first.supported_users(), 0);
        let all = report(vec![window(50, vec![]), window(100, vec![])], End::MaxUsers);
        assert_eq!((all.supported_users(), all.ceiling_reached()), (100, false));
    }

    #[test]
    fn plots_show_latency_and_users_over_the_ramp() {
        let r = report(vec![window(40, vec![]), window(80, vec![])], End::Time);
        let plots = r.plots();
        assert_eq!(plots.iter().map(|p| p.file.as_str()).collect::<Vec<_>>(), ["latency", "users"]);
        assert_eq!(plots[1].lines[0].points, vec![(0.0, 0.0), (40.0, 40.0), (80.0, 80.0)]);
        assert!(plots[0].lines.iter().all(|l| l.points.is_empty()), "no latency without requests");
    }
}
