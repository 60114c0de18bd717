//! The event bus, event log and session store of the cluster mode, on NATS JetStream.
//!
//! One stream holds every event for `max_age`: it is both the bus (subscribers read it with
//! ordered consumers) and the replay log (positions are its sequences). An event is stored once
//! per topic, on `<prefix>.events.guild.<id>` or `<prefix>.events.user.<id>`, so that a
//! gateway node asks JetStream only for the guilds and users of its sessions. The outbox relay
//! publishes with `Nats-Msg-Id` = the event id, so JetStream drops its retries, and readers drop
//! the copies of an event they already gave out. NATS is never the only copy of anything: the
//! database is, and the relay drains the outbox again once NATS is back.
//!
//! - [`NatsBus`] ([`bus`]): connecting, publishing, replaying, and session state in a KV bucket.
//! - [`NatsBusConfig`] ([`config`]): names, ages, timeouts.
//! - `subscription`: a subscription as an ordered consumer that follows topics and notices lost
//!   events; `replay`: reading a range of the log back.
//! - `subjects`, `wire`, `recent`: subject names, the message body, the memory of recent ids.
//! - `setup`: the connection, the stream and the bucket, and the ticks that move positions on.
//!
//! TLS uses rustls with ring. A process that also links rustls' aws-lc-rs provider must install
//! a process-wide default provider before connecting to a `tls://` URL.

pub mod bus;
pub mod config;
mod recent;
mod replay;
mod setup;
mod subjects;
mod subscription;
mod wire;

pub use bus::NatsBus;
pub use config::NatsBusConfig;
