//! Primitives every Accord crate shares, with no I/O of their own.
//!
//! - [`snowflake`]: Discord-style 64-bit ids and their generator.
//! - [`time`]: milliseconds since the Unix epoch and Discord's exact timestamp format.
//! - [`permissions`]: Discord's permission bits and the one algorithm that computes them.
//! - [`code`]: the error-code table (Discord number, HTTP status, name) and the [`code::ErrorCode`] trait.
//! - [`token`]: signed access tokens, refresh-token derivation and bot tokens.
//! - [`vec_map`]: a small map in a vector, for the few-entry maps each online user holds.

pub mod code;
pub mod names;
pub mod permissions;
pub mod snowflake;
pub mod time;
pub mod token;
pub mod vec_map;

pub use code::{Code, ErrorCode};
pub use permissions::Permissions;
pub use snowflake::{Snowflake, SnowflakeGenerator};
