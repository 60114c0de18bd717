//! Discord API v10 wire types: the JSON objects Accord emits, field for field as typed client
//! libraries (twilight, serenity, discord.py, discord.js) require them, and the error body.
//!
//! Parts: [`user`], [`guild`] (guilds, roles, members), [`channel`], [`message`], [`invite`],
//! [`application`], [`settings`] (user settings and profile fields), [`voice`], [`error`].

pub mod application;
pub mod channel;
pub mod error;
pub mod guild;
pub mod invite;
pub mod message;
pub mod settings;
pub mod user;
pub mod voice;

/// A JSON `null` that is always present (Discord requires the key with a null value).
pub type Null = Option<()>;
