//! What the twilight payload tests share.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `value` as twilight type `T`; panics naming `what` and showing the payload otherwise.
pub fn parses<T: DeserializeOwned>(what: &str, value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{what} does not parse as twilight type: {e}\n{value:#}"))
}

/// The body of a 2xx answer; panics with the answer otherwise.
pub fn ok(answer: accord_client::Answer) -> Value {
    assert!((200..300).contains(&answer.status), "{} {}", answer.status, answer.text);
    answer.body
}
