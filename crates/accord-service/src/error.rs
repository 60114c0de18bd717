//! [`ApiError`]: any area error, rendered once as Discord's JSON error body with the status
//! from the code table. Internal causes are logged here, where they are handled, and the
//! client gets an opaque 500.

use accord_api::error::ErrorBody;
use accord_core::{Code, ErrorCode, code};
use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// A client-visible error: a row of the code table and optional field errors.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: &'static Code,
    pub errors: Option<serde_json::Value>,
    /// For 429s: seconds until the action is allowed again (body and `Retry-After`).
    pub retry_after: Option<f64>,
}

impl ApiError {
    pub fn new(code: &'static Code) -> Self {
        Self { code, errors: None, retry_after: None }
    }

    pub fn with_errors(code: &'static Code, errors: serde_json::Value) -> Self {
        Self { code, errors: Some(errors), retry_after: None }
    }

    pub fn unauthorized() -> Self {
        Self::new(&code::UNAUTHORIZED)
    }

    /// 50035 with one field error.
    pub fn invalid_field(field: &str, error_code: &str, message: &str) -> Self {
        Self::with_errors(&code::INVALID_FORM_BODY, accord_api::error::field_error(field, error_code, message))
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.number,
            message: self.code.message.to_owned(),
            error: self.code.name,
            errors: self.errors.clone(),
            retry_after: self.retry_after,
            global: self.retry_after.map(|_| false),
            timestamp: accord_core::time::format_timestamp(accord_core::time::now_ms()),
        }
    }
}

impl<E: ErrorCode> From<E> for ApiError {
    fn from(err: E) -> Self {
        let code = err.code();
        if code.status >= 500 {
            tracing::error!(error = %err, source = ?std::error::Error::source(&err), "request failed");
        }
        Self { code, errors: err.field_errors(), retry_after: err.retry_after() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            let headers = response.headers_mut();
            headers.insert("retry-after", HeaderValue::from(seconds.ceil().max(1.0) as u64));
            headers.insert("x-ratelimit-scope", HeaderValue::from_static("user"));
            headers.insert("via", HeaderValue::from_static("1.1 accord"));
        }
        response
    }
}
