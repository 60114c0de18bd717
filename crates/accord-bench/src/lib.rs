//! Benchmark programs for Accord: load generators that drive a real server (one already running
//! at `--url`, or one started in this process with `--embedded`) through its public HTTP,
//! WebSocket and voice (UDP) ports on loopback, and report throughput, latency, memory and CPU.
//! Not timed tests: they print figures; only their smoke tests assert.
//!
//! Parts: [`args`] (the command line, which doubles as each scenario's parameters), [`target`]
//! (the server under test, its memory and CPU time), [`cpu`] (CPU time from `/proc`), [`udp`]
//! (datagrams the kernel dropped), [`setup`] (users, a guild, sessions), [`clock`] (send
//! times), the scenarios [`idle`] (S1: N sessions held idle, heartbeating, in worker processes),
//! [`chat`] (S2: sessions in several guilds, writers at a rate, drops and resumes, checked
//! against history), [`ramp`] (S3: simulated users doing a realistic action mix are added
//! until a latency or error threshold breaks: the users supported), [`burst`] (S5: one message to M sessions held in worker processes), [`slow`] (S4: sessions
//! that stop reading, next to ones that read),
//! [`fanout`] (N sessions in one guild receive M messages), [`presence`]
//! (N watchers see one user's M presence changes, coalesced) and [`voice`] (K voice channels
//! of N WebRTC participants exchange audio through the SFU; `--find-max` looks for the most
//! the server carries within limits), [`history`] (`post`: W writers POST M messages; S6
//! `history`: R readers page through a seeded channel), [`limits`] (the same work done by a
//! bare WebSocket server, a bare SQLite loop and a bare HTTP server: the machine's best), and [`stats`]
//! (percentiles and the fan-out report).

pub mod args;
pub mod burst;
pub mod chat;
pub mod clock;
pub mod cpu;
pub mod docs;
pub mod fanout;
pub mod frame;
pub mod history;
pub mod idle;
pub mod limits;
pub mod plot;
pub mod presence;
pub mod profile;
pub mod ramp;
pub mod report;
pub mod results;
pub mod setup;
pub mod slow;
pub mod stats;
pub mod target;
pub mod udp;
pub mod voice;
