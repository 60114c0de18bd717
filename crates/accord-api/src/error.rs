//! The error body of every failed request: Discord's `code`/`message`/`errors`, plus the
//! seeds' `error` name and `timestamp`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorBody {
    pub code: u32,
    pub message: String,
    pub error: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<serde_json::Value>,
    /// On 429s: seconds until the action is allowed again; `global` is then false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global: Option<bool>,
    pub timestamp: String,
}

/// Discord's nested field error: `{"field": {"_errors": [{"code", "message"}]}}`.
pub fn field_error(field: &str, code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ field: { "_errors": [{ "code": code, "message": message }] } })
}
