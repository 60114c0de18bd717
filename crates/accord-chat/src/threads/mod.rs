//! Threads and forum posts, chat's part: starting them, their members, the listings, and the
//! rules for sending in them. (Renaming, archiving, locking and deleting a thread go through
//! the channel routes of the guilds service.)

pub mod archiver;
pub mod create;
pub mod forum_post;
pub mod lists;
pub mod members;
pub mod rules;
