//! What a voice run measured, as text for people and as one JSON line for tools.

use std::time::Duration;

use serde_json::{Value, json};

use super::tally::Tally;
use crate::cpu::cores;
use crate::report::Report;
use crate::stats::{per_second, percentile};
use crate::udp::Drops;

#[derive(Debug, Clone, Default)]
pub struct VoiceReport {
    /// `embedded` or the target URL.
    pub target: String,
    pub channels: u64,
    /// Participants per channel.
    pub peers: u64,
    pub frame_bytes: u64,
    /// Registering the users, creating the guild and its voice channels, joining the guild.
    pub setup: Duration,
    /// Voice joins and media connections.
    pub connect: Duration,
    /// Until every participant had its channel mates' tracks.
    pub negotiate: Duration,
    /// Frames each participant sent.
    pub sent_per_peer: u64,
    /// The load window: from the first tick to one period after the last.
    pub window: Duration,
    /// The slots each 20 ms tick is split into (1: every participant sends at once).
    pub slots: u64,
    /// Slots that started more than 5 ms late, and the latest start.
    pub late_sends: u64,
    pub max_lateness: Duration,
    pub tally: Tally,
    /// Packets the SFU counted as forwarded in the window (embedded targets).
    pub sfu_forwarded: Option<u64>,
    /// CPU time in the load window, and in a second before it with everyone connected and
    /// silent.
    pub load_cpu: CpuUse,
    pub idle_cpu: CpuUse,
    /// Whose CPU time the server's and the clients' are.
    pub cpu_scope: String,
    pub clients_scope: String,
    /// UDP datagrams the kernel dropped from the first frame to the end of the drain.
    pub drops: Drops,
    /// The machine's 1-minute load average at the end of the run.
    pub load_average: Option<f64>,
    /// Participants whose signalling connection the server closed, and the codes.
    pub closed: u64,
    pub close_codes: Vec<u16>,
}

/// CPU time over a window: the server's and the bench clients'.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    pub wall: Duration,
    pub server_ns: Option<u64>,
    pub clients_ns: Option<u64>,
    /// Time their threads were runnable but waited for a CPU (other work on the machine, or
    /// more runnable threads than cores).
    pub server_wait_ns: Option<u64>,
    pub clients_wait_ns: Option<u64>,
}

impl CpuUse {
    pub fn server_cores(&self) -> Option<f64> {
        self.server_ns.map(|ns| cores(ns, self.wall))
    }

    pub fn clients_cores(&self) -> Option<f64> {
        self.clients_ns.map(|ns| cores(ns, self.wall))
    }

    /// The server's threads' run-queue wait per second of the window.
    pub fn server_wait(&self) -> Option<f64> {
        self.server_wait_ns.map(|ns| cores(ns, self.wall))
    }

    pub fn clients_wait(&self) -> Option<f64> {
        self.clients_wait_ns.map(|ns| cores(ns, self.wall))
    }
}

impl VoiceReport {
    pub fn participants(&self) -> u64 {
        self.channels * self.peers
    }

    /// Frames the receivers got in the window, per second.
    pub fn received_per_sec(&self) -> f64 {
        per_second(self.tally.in_window, self.window)
    }

    /// Packets the SFU forwarded, per second of the window.
    pub fn sfu_per_sec(&self) -> Option<f64> {
        self.sfu_forwarded.map(|n| per_second(n, self.window))
    }

    /// The server's CPU in the load window, in cores.
    pub fn server_cores(&self) -> Option<f64> {
        self.load_cpu.server_cores()
    }

    pub fn clients_cores(&self) -> Option<f64> {
        self.load_cpu.clients_cores()
    }

    /// Packets forwarded in the window: the SFU's count when known, else what the receivers
    /// got in the window.
    fn packets(&self) -> u64 {
        self.sfu_forwarded.unwrap_or(self.tally.in_window)
    }

    /// The server's CPU time per forwarded packet, in microseconds.
    pub fn cpu_per_packet_us(&self) -> Option<f64> {
        let ns = self.load_cpu.server_ns?;
        (self.packets() > 0).then(|| ns as f64 / 1000.0 / self.packets() as f64)
    }

    /// The server's CPU time per forwarded packet above what it uses idle with the same
    /// participants connected, in microseconds.
    pub fn cpu_above_idle_per_packet_us(&self) -> Option<f64> {
        let idle_ns = self.idle_cpu.server_cores()? * self.load_cpu.wall.as_nanos() as f64;
        let ns = self.load_cpu.server_ns? as f64 - idle_ns;
        (self.packets() > 0).then(|| ns.max(0.0) / 1000.0 / self.packets() as f64)
    }

    /// Latency percentile in milliseconds.
    pub fn latency_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.tally.latencies_us, p).map(|us| us as f64 / 1000.0)
    }
}

impl Report for VoiceReport {
    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let milli = |x: f64| (x * 1000.0).round() / 1000.0;
        let ms = |p: f64| self.latency_ms(p).map(round);
        let t = &self.tally;
        json!({
            "scenario": "voice",
            "target": self.target,
            "channels": self.channels,
            "peers_per_channel": self.peers,
            "participants": self.participants(),
            "frame_bytes": self.frame_bytes,
            "setup_s": round(self.setup.as_secs_f64()),
            "connect_s": round(self.connect.as_secs_f64()),
            "negotiate_s": round(self.negotiate.as_secs_f64()),
            "sent_per_participant": self.sent_per_peer,
            "window_s": round(self.window.as_secs_f64()),
            "slots_per_tick": self.slots,
            "late_slots": self.late_sends,
            "max_slot_lateness_ms": round(self.max_lateness.as_secs_f64() * 1000.0),
            "expected_frames": t.expected,
            "received_frames": t.received,
            "lost": t.lost(),
            "loss_pct": (t.loss_pct() * 1000.0).round() / 1000.0,
            "duplicates": t.duplicates,
            "misrouted": t.misrouted,
            "corrupt": t.corrupt,
            "mislabeled": t.mislabeled,
            "pairs": { "all": t.pairs, "short": t.pairs_short, "silent": t.pairs_silent },
            "loss_examples": t.loss_examples,
            "received_per_s": round(self.received_per_sec()),
            "sfu_forwarded": self.sfu_forwarded,
            "sfu_forwarded_per_s": self.sfu_per_sec().map(round),
            "latency_ms": { "p50": ms(50.0), "p99": ms(99.0), "max": ms(100.0), "samples": t.latencies_us.len() },
            "cpu": {
                "server_cores": self.server_cores().map(milli),
                "server_us_per_packet": self.cpu_per_packet_us().map(round),
                "server_us_per_packet_above_idle": self.cpu_above_idle_per_packet_us().map(round),
                "server_idle_cores": self.idle_cpu.server_cores().map(milli),
                "server_scope": self.cpu_scope,
                "clients_cores": self.clients_cores().map(milli),
                "clients_idle_cores": self.idle_cpu.clients_cores().map(milli),
                "clients_scope": self.clients_scope,
                "server_run_queue_wait_s_per_s": self.load_cpu.server_wait().map(milli),
                "clients_run_queue_wait_s_per_s": self.load_cpu.clients_wait().map(milli),
            },
            "udp_drops": {
                "server": self.drops.server,
                "clients": self.drops.clients,
                "namespace_rcvbuf_errors": self.drops.rcvbuf_errors,
                "namespace_sndbuf_errors": self.drops.sndbuf_errors,
            },
            "load_average": self.load_average,
            "closed": self.closed,
            "close_codes": self.close_codes,
        })
    }

    fn to_text(&self) -> String {
        let t = &self.tally;
        let ms = |p: f64| self.latency_ms(p).map_or_else(|| "-".into(), |v| format!("{v:.1} ms"));
        let sfu = match (self.sfu_forwarded, self.sfu_per_sec()) {
            (Some(n), Some(rate)) => format!("; the SFU counted {n} = {rate:.0} packets/s"),
            _ => "; the SFU's count is read only from an embedded server".into(),
        };
        let idle = |c: Option<f64>| c.map_or_else(String::new, |c| format!("; {c:.3} idle"));
        let server = match (self.server_cores(), self.cpu_per_packet_us(), self.cpu_above_idle_per_packet_us()) {
            (Some(c), Some(us), Some(above)) => format!(
                "{c:.3} cores = {us:.1} µs per forwarded packet, {above:.1} µs above idle{} ({})",
                idle(self.idle_cpu.server_cores()),
                self.cpu_scope
            ),
            (Some(c), _, _) => format!("{c:.3} cores{} ({})", idle(self.idle_cpu.server_cores()), self.cpu_scope),
            _ => format!("not measured ({})", self.cpu_scope),
        };
        let clients = self.clients_cores().map_or_else(
            || format!("not measured ({})", self.clients_scope),
            |c| format!("{c:.3} cores{} ({})", idle(self.idle_cpu.clients_cores()), self.clients_scope),
        );
        let count = |n: Option<u64>| n.map_or_else(|| "-".into(), |n| n.to_string());
        let wait = |w: Option<f64>| w.map_or_else(|| "-".into(), |w| format!("{w:.3}"));
        let waits = format!(
            "the server's threads {} s per s, the clients' {} s per s",
            wait(self.load_cpu.server_wait()),
            wait(self.load_cpu.clients_wait())
        );
        let d = &self.drops;
        let drops = format!(
            "{} at the server's socket, {} at the participants'; namespace-wide {} receive-buffer and {} \
             send-buffer errors",
            count(d.server),
            count(d.clients),
            count(d.rcvbuf_errors),
            count(d.sndbuf_errors),
        );
        let machine = match (self.load_average, std::thread::available_parallelism()) {
            (Some(load), Ok(cores)) => format!("\n  machine:    load average {load:.2} on {cores} cores at the end"),
            _ => String::new(),
        };
        let mut notes = String::new();
        if self.closed > 0 {
            notes += &format!(
                "\n  closed:     {} participants closed by the server, codes {:?}",
                self.closed, self.close_codes
            );
        }
        for example in &t.loss_examples {
            notes += &format!("\n  loss:       {example}");
        }
        format!(
            "voice: {} channels x {} participants, {}-byte audio frames every 20 ms for {:.2} s, against {}\n  \
             setup:      users registered and joined in {:.2} s; media connected in {:.2} s; \
             every track negotiated in {:.2} s\n  \
             sent:       {} frames per participant, {} in all, in {} slots per tick; {} slots late by more \
             than 5 ms (latest {:.1} ms)\n  \
             received:   {} of {} frames ({} lost = {:.3} %, {} repeated, {} misrouted, {} corrupt, {} mislabeled); \
             {} of {} (receiver, sender) pairs short, {} silent\n  \
             forwarded:  {:.0} packets/s reached the receivers in the window{sfu}\n  \
             latency:    send -> receive p50 {}, p99 {}, max {} ({} samples; both participants' WebRTC stacks included)\n  \
             server CPU: {server}\n  \
             client CPU: {clients}\n  \
             UDP drops:  {drops}\n  \
             CPU waits:  runnable but waiting for a core: {waits}{machine}{notes}",
            self.channels,
            self.peers,
            self.frame_bytes,
            self.window.as_secs_f64(),
            self.target,
            self.setup.as_secs_f64(),
            self.connect.as_secs_f64(),
            self.negotiate.as_secs_f64(),
            self.sent_per_peer,
            self.sent_per_peer * self.participants(),
            self.slots,
            self.late_sends,
            self.max_lateness.as_secs_f64() * 1000.0,
            t.unique,
            t.expected,
            t.lost(),
            t.loss_pct(),
            t.duplicates,
            t.misrouted,
            t.corrupt,
            t.mislabeled,
            t.pairs_short + t.pairs_silent,
            t.pairs,
            t.pairs_silent,
            self.received_per_sec(),
            ms(50.0),
            ms(99.0),
            ms(100.0),
            t.latencies_us.len(),
        )
    }
}
