//! What the machine does at best on Accord's work, measured without Accord: the ceilings the
//! Accord scenarios are read against.
//!
//! Parts: [`ws`] (a bare tokio-tungstenite server fanning pre-serialised MESSAGE_CREATE
//! frames out to connections held in this process, as Accord's gateway does), [`sqlite`] (a
//! bare insert loop on a copy of Accord's `messages` table with the embedded store's
//! durability settings) and [`http`] (a bare axum server answering `history`'s page reads,
//! from one pre-serialised page and from a SQLite table of pre-rendered messages).

pub mod http;
pub mod own_runtime;
pub mod sqlite;
pub mod ws;
