//! The composition root. It is the only crate that names concrete backends: it loads the
//! [`Config`], opens the backends, hands them to the services in a
//! [`accord_service::ServiceContext`], starts the services the process runs, runs the outbox
//! relay, joins the cluster registry and serves the edge.
//!
//! Parts: [`config`] (file, environment and flags), [`backends`] (storage, bus and shared
//! state chosen by URL), [`modules`] (which services a process runs and what each needs),
//! [`registry`] (the instances of a cluster), [`worker_id`] (fixed or leased), [`secret`]
//! (the signing key), [`server`] (building and serving).

pub mod backends;
pub mod config;
pub mod migrate;
pub mod modules;
pub mod registry;
pub mod secret;
pub mod server;
pub mod worker_id;

pub use backends::Backends;
pub use config::Config;
pub use server::{Server, run};
pub use worker_id::WorkerId;
