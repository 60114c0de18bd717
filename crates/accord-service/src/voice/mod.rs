//! Voice states and where their media runs, shared by the gateway (opcode 4) and the voice
//! service (REST, signalling, the SFU).
//!
//! Parts: [`state`] (join, change, leave, VOICE_STATE_UPDATE), [`grant`] (the voice token),
//! [`placement`] (voice nodes and the node hosting each channel), [`moderate`] (moves,
//! disconnects, server mute and deafen), [`stage`] (stage instances), [`call`] (ringing in DMs
//! and group DMs).

pub mod call;
pub mod grant;
pub mod moderate;
pub mod placement;
pub mod stage;
pub mod state;
