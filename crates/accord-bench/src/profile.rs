//! Marks a scenario's measured phase for a profiler, so a profile holds the hot path and not
//! the setup around it. With `ACCORD_BENCH_PERF_CTL` naming the control FIFO of
//! `perf record --control fifo:PATH --delay=-1` (started with its events disabled), perf
//! samples only while a [`Phase`] is alive. Without it, a phase does nothing.

use std::io::Write;

const CONTROL: &str = "ACCORD_BENCH_PERF_CTL";

/// Profiling is on from [`Phase::start`] until the phase is dropped.
pub struct Phase {
    on: bool,
}

impl Phase {
    pub fn start() -> Self {
        Self { on: command("enable") }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if self.on {
            command("disable");
        }
    }
}

/// Sends one command to perf; whether it was sent.
fn command(what: &str) -> bool {
    let Some(path) = std::env::var_os(CONTROL) else { return false };
    let sent = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut fifo| fifo.write_all(format!("{what}\n").as_bytes()));
    if let Err(e) = &sent {
        eprintln!("warning: profiler control {}: {e}", path.to_string_lossy());
    }
    sent.is_ok()
}
