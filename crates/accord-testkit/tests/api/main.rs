//! Accord's integration suite: one test binary, each test against a real server spawned on
//! port 0 with a temporary data directory (`accord_testkit::TestServer`), talking HTTP.

mod applications;
mod auth;
mod bad_input;
mod health;
mod outbox;
mod users;
