//! The composition root. It is the only crate that names concrete backends: it loads the
//! [`Config`], opens the store, makes the bus, hands both to the services in a
//! [`ServiceContext`], runs the outbox relay, and serves the edge.
//!
//! Parts: [`config`] (file, environment and flags), [`backends`] (storage, bus and shared
//! state chosen by URL), [`secret`] (the signing key kept in the
//! data directory), [`server`] (building and serving).

pub mod backends;
pub mod config;
pub mod secret;
pub mod server;

pub use backends::Backends;
pub use config::Config;
pub use server::{Server, run};
