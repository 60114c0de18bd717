//! Benchmark programs for Accord: load generators that drive a real server (one already running
//! at `--url`, or one started in this process with `--embedded`) through its public HTTP and
//! WebSocket ports on loopback, and report throughput, latency and memory. Not timed tests: they
//! print figures; only their smoke tests assert.
//!
//! Parts: [`args`] (the command line, which doubles as each scenario's parameters), [`target`]
//! (the server under test and its memory), [`setup`] (users, a guild, sessions), [`clock`]
//! (send times), the scenarios [`fanout`] (N sessions in one guild receive M messages) and
//! [`presence`] (N watchers see one user's M presence changes, coalesced), and [`stats`]
//! (percentiles and the fan-out report).

pub mod args;
pub mod clock;
pub mod fanout;
pub mod presence;
pub mod setup;
pub mod stats;
pub mod target;
