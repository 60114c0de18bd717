//! Extractors that turn bad input into Discord's error bodies instead of axum's plain text:
//! [`Json`] (content type, invalid JSON 50109, wrong shape 50035 with the field's path),
//! [`Path`] (ids that do not parse: 50035) and [`Query`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::ApiError;
use accord_core::code;

/// A JSON body. The edge caps body size (413) before this runs.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json =
            req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(ApiError::new(&code::UNSUPPORTED_CONTENT_TYPE));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(&code::PAYLOAD_TOO_LARGE)
            } else {
                ApiError::new(&code::INVALID_JSON)
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses a JSON document: syntax errors are 50109, shape errors 50035 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Reject syntax errors (and invalid UTF-8) before looking at the shape.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| ApiError::new(&code::INVALID_JSON))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde reports a missing field at its parent object; name the field, as Discord does.
        if let Some(missing) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
            let field = if path == "." { missing.to_owned() } else { format!("{path}.{missing}") };
            return ApiError::invalid_field(&field, "BASE_TYPE_REQUIRED", "This field is required");
        }
        let field = if path == "." { "_errors".to_owned() } else { path };
        if field == "_errors" {
            ApiError::with_errors(
                &code::INVALID_FORM_BODY,
                serde_json::json!({ "_errors": [{ "code": "BASE_TYPE_BAD", "message": message }] }),
            )
        } else {
            ApiError::invalid_field(&field, "BASE_TYPE_BAD", &message)
        }
    })
}

/// Path parameters; a segment that does not parse (an id that is not a snowflake) is 50035.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Path(p.0)).map_err(|e| {
            ApiError::with_errors(
                &code::INVALID_FORM_BODY,
                serde_json::json!({ "_errors": [{ "code": "NUMBER_TYPE_COERCE", "message": e.body_text() }] }),
            )
        })
    }
}

/// Query parameters; values that do not parse are 50035.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| Query(q.0)).map_err(|e| {
            ApiError::with_errors(
                &code::INVALID_FORM_BODY,
                serde_json::json!({ "_errors": [{ "code": "BASE_TYPE_BAD", "message": e.body_text() }] }),
            )
        })
    }
}

/// For PATCH bodies: tells "absent" (`None`) from "set to null" (`Some(None)`).
/// Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
