//! Recording a channel: each participant's Opus packets into an Ogg Opus file.
pub mod ogg;
pub mod store;
