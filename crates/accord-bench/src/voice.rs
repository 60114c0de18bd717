//! The voice scenario: K voice channels of N participants in one guild. Each participant joins
//! over REST and connects a headless WebRTC peer to the voice node; once every peer has its
//! N-1 channel mates' tracks, the CPU is measured for a second with everyone silent, then
//! every peer sends one audio frame per 20 ms tick of a shared clock for `--seconds` (the
//! participants spread over ten 2 ms slots of each tick, or all at once with `--aligned`), and
//! the SFU should forward each frame to the sender's N-1 mates. Each frame carries its send
//! time, sender and sequence number, so a receiver (in this process, on the same clock) knows
//! its latency and which frames are lost, repeated, misrouted or altered.
//!
//! Measures losses, forwarded packets/s (the receivers' count, and the SFU's own for an
//! embedded server), send-to-receive latency, and over the load window the server's CPU: an
//! embedded server runs on threads of its own ([`Placement::OwnThreads`]) so its CPU time is
//! read apart from the clients'; a `--url` server's is read from `/proc/<pid>/stat` with
//! `--server-pid`. To tell a server fault from a starved machine it also reports datagrams
//! the kernel dropped at the server's and the clients' sockets, and how long each side's
//! threads waited for a core.
//!
//! Every step runs under the one `--timeout` deadline, the load is bounded in ticks, and the
//! receivers drain for at most `--drain`.
//!
//! Parts: [`room`] (users, channels, peers), [`frame`] (the stamped payload), [`load`] (the
//! senders' clock), [`tally`] (what each receiver got), [`report`], [`find_max`] (the largest
//! load within limits).

pub mod find_max;
pub mod frame;
pub mod load;
pub mod report;
pub mod room;
pub mod tally;

use std::time::{Duration, Instant};

pub use report::{CpuUse, VoiceReport};

use crate::args::VoiceArgs;
use crate::setup::{by, run_tag};
use crate::target::{CpuScope, Placement, Target};
use tally::{Roster, Tally};

/// The pause between the last track offer and the first frame, so the last answers reach the
/// SFU before the frames they open for.
const SETTLE: Duration = Duration::from_millis(300);
/// How long the CPU is measured with everyone connected and silent, before the load.
const IDLE: Duration = Duration::from_secs(1);

/// Runs the scenario against the target `args` name, starting an embedded server on threads
/// of its own if asked to.
pub async fn run(args: &VoiceArgs) -> anyhow::Result<VoiceReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, args.channels, &format!("v{}", run_tag()), deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

/// One run of `channels` channels against `target`, users named `{prefix}_{i}`.
pub async fn run_against(
    target: &Target,
    args: &VoiceArgs,
    channels: u32,
    prefix: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<VoiceReport> {
    let n = args.peers as usize;
    let rooms = room::assemble(target, args, channels, prefix, deadline).await?;
    let start = Instant::now();
    let within = deadline.saturating_duration_since(tokio::time::Instant::now());
    room::negotiated(&rooms.participants, n, within).await?;
    let negotiate = start.elapsed();
    by(deadline, "settling", tokio::time::sleep(SETTLE)).await?;
    let idle_start = Sample::take(target);
    by(deadline, "measuring the idle CPU", tokio::time::sleep(IDLE)).await?;
    let idle = Sample::take(target).cpu_since(&idle_start, target.cpu_scope);

    let peers: Vec<_> = rooms.participants.iter().map(|p| &p.peer).collect();
    let bytes = args.frame_bytes as usize;
    let t0 = Instant::now();
    let drops_before = target.udp_drops();
    let before = Sample::take(target);
    let slots = if args.aligned { 1 } else { load::SLOTS };
    let sent = load::drive(&peers, t0, args.frames(), bytes, slots, deadline).await;
    let after = Sample::take(target);
    let window_end = Instant::now();
    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    load::drain(&peers, (n - 1) * sent.frames as usize, drain_deadline).await;
    let drops = target.udp_drops().since(drops_before);

    let user_ids: Vec<String> = rooms.participants.iter().map(|p| p.user_id.clone()).collect();
    let roster = Roster { per_channel: n, user_ids: &user_ids, frames: sent.frames, bytes, t0, window_end };
    let mut report = VoiceReport {
        target: target.name.clone(),
        channels: u64::from(channels),
        peers: n as u64,
        frame_bytes: bytes as u64,
        setup: rooms.setup,
        connect: rooms.connect,
        negotiate,
        sent_per_peer: u64::from(sent.frames),
        window: sent.window,
        slots: u64::from(slots),
        late_sends: u64::from(sent.late),
        max_lateness: sent.max_lateness,
        sfu_forwarded: after.forwarded.zip(before.forwarded).map(|(a, b)| a - b),
        load_cpu: after.cpu_since(&before, target.cpu_scope),
        idle_cpu: idle,
        cpu_scope: target.cpu_scope.describe(),
        clients_scope: match target.cpu_scope {
            CpuScope::ServerThreads => "this process but the server's threads: the participants and the bench",
            CpuScope::ThisProcess => "not measured apart from the embedded server",
            CpuScope::Server(_) | CpuScope::None => "this process: the participants and the bench",
        }
        .into(),
        drops,
        load_average: std::fs::read_to_string("/proc/loadavg").ok().and_then(|l| l.split(' ').next()?.parse().ok()),
        ..VoiceReport::default()
    };
    let mut tally = Tally::default();
    for (i, participant) in rooms.participants.iter().enumerate() {
        let observed = participant.peer.observed();
        tally.add_receiver(i, &observed.received, &roster);
        if let Some(code) = observed.closed {
            report.closed += 1;
            report.close_codes.extend(Some(code).filter(|c| !report.close_codes.contains(c)));
        }
    }
    tally.finish();
    report.tally = tally;
    for participant in &rooms.participants {
        participant.peer.close();
    }
    Ok(report)
}

/// Counters read at one end of a measured window.
struct Sample {
    at: Instant,
    server_ns: Option<u64>,
    process_ns: Option<u64>,
    forwarded: Option<u64>,
    /// Run-queue waits of the server's threads and the clients'.
    waits: (Option<u64>, Option<u64>),
}

impl Sample {
    fn take(target: &Target) -> Self {
        Self {
            at: Instant::now(),
            server_ns: target.server_cpu_ns(),
            process_ns: crate::cpu::process_cpu_ns("self"),
            forwarded: target.forwarded_packets(),
            waits: target.run_queue_wait_ns(),
        }
    }

    /// The server's and the clients' CPU time from `earlier` to this sample; the clients' is
    /// this process's minus the server's threads for an embedded server on threads of its own,
    /// and all of this process's for a server elsewhere.
    fn cpu_since(&self, earlier: &Sample, scope: CpuScope) -> CpuUse {
        let delta = |a: Option<u64>, b: Option<u64>| a.zip(b).map(|(a, b)| a.saturating_sub(b));
        let server_ns = delta(self.server_ns, earlier.server_ns);
        let process_ns = delta(self.process_ns, earlier.process_ns);
        let clients_ns = match scope {
            CpuScope::ServerThreads => process_ns.zip(server_ns).map(|(p, s)| p.saturating_sub(s)),
            CpuScope::ThisProcess => None,
            CpuScope::Server(_) | CpuScope::None => process_ns,
        };
        CpuUse {
            wall: self.at.duration_since(earlier.at),
            server_ns,
            clients_ns,
            server_wait_ns: delta(self.waits.0, earlier.waits.0),
            clients_wait_ns: delta(self.waits.1, earlier.waits.1),
        }
    }
}
