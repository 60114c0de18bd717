//! Benchmark programs for Accord: load generators that drive a real server (one already running
//! at `--url`, or one started in this process with `--embedded`) through its public HTTP and
//! WebSocket ports on loopback, and report throughput, latency and memory. Not timed tests: they
//! print figures; only their smoke tests assert.
//!
//! Parts: [`args`] (the command line, which doubles as each scenario's parameters), [`target`]
//! (the server under test and its memory), [`fanout`] (N sessions in one guild receive M
//! messages), [`stats`] (percentiles and the text and JSON report).

pub mod args;
pub mod fanout;
pub mod stats;
pub mod target;
