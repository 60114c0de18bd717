//! Accord's integration suite: one test binary, each test against a real server spawned on
//! port 0 with a temporary data directory (`accord_testkit::TestServer`), talking HTTP.

mod account;
mod applications;
mod auth;
mod authorization;
mod avatars;
mod bad_input;
mod bot_members;
mod channels;
mod emojis;
mod events;
mod forums;
mod gateway;
mod guilds;
mod health;
mod history;
mod images;
mod invite_options;
mod invites;
mod members;
mod messages;
mod messaging;
mod moderation;
mod outbox;
mod overwrites;
mod people;
mod presence;
mod rate_limits;
mod roles;
mod slowmode;
mod threads;
mod typing;
mod users;
mod voice;
