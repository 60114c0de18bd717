//! Dev-only crate: its tests deserialize every kind of payload Accord emits (REST answers and
//! bus events) into `twilight-model` 0.18's types, the strictest typed consumer of Discord's
//! API, so a missing field, a bad timestamp or a zero id fails here (`tests/twilight.rs`); and
//! a real bot built on `twilight-gateway` and `twilight-http` logs in and answers `!ping`
//! (`tests/twilight_bot.rs`). It is a separate crate so that the server build never compiles
//! twilight.
