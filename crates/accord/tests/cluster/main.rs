//! Accord as a cluster of real processes on PostgreSQL, NATS and Redis: services split
//! across processes, the edge forwarding to them and proxying the gateway; sessions surviving
//! the `kill -9` of their gateway node; NATS, PostgreSQL and Redis outages; voice nodes of
//! their own. Skipped when the services are not configured (see `scripts/services`).

mod flows;
mod harness;
mod outages;
mod services;
mod takeover;
mod voice;
