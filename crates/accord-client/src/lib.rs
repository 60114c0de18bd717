//! A small typed HTTP client for Accord's REST API (any Discord-v10-shaped server), used by
//! the integration tests, the benchmarks and examples. Answers keep status, headers and the
//! JSON body, so callers can assert on errors as well as successes.

pub mod gateway;
pub mod voice;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use serde_json::Value;

/// Why a request got no answer at all.
#[derive(Debug, thiserror::Error)]
#[error("request failed: {0}")]
pub struct ClientError(#[from] reqwest::Error);

/// An answer: status, headers and the body parsed as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    /// The raw body, for answers that are not JSON.
    pub text: String,
}

impl Answer {
    /// The `id` of the body as a string, or panics with the answer (test helper).
    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {} {}", self.status, self.text)).to_owned()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A client for one API root (`http://host:port/api/v10`), optionally authenticated.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    api: String,
    authorization: Option<String>,
}

impl Client {
    /// `api` is the API root, e.g. `http://127.0.0.1:8080/api/v10`.
    pub fn new(api: impl Into<String>) -> Self {
        Self { http: reqwest::Client::new(), api: api.into(), authorization: None }
    }

    /// The same client sending `Authorization: <value>` (`Bearer <t>`, `Bot <t>` or a bare token).
    pub fn authorized(&self, value: impl Into<String>) -> Self {
        Self { authorization: Some(value.into()), ..self.clone() }
    }

    pub fn api_root(&self) -> &str {
        &self.api
    }

    pub async fn get(&self, path: &str) -> Result<Answer, ClientError> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Answer, ClientError> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Result<Answer, ClientError> {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Result<Answer, ClientError> {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Answer, ClientError> {
        self.send(Method::DELETE, path, None).await
    }

    /// A JSON request (no body when `body` is none).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Result<Answer, ClientError> {
        let raw = body.map(|b| (b.to_string().into_bytes(), "application/json"));
        self.send_raw(method, path, raw).await
    }

    /// A request with any body bytes and content type, for bad-input tests.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<(Vec<u8>, &str)>,
    ) -> Result<Answer, ClientError> {
        let mut req = self.http.request(method, format!("{}{}", self.api, path));
        if let Some(auth) = &self.authorization {
            req = req.header(AUTHORIZATION, auth);
        }
        if let Some((bytes, content_type)) = body {
            req = req.header(CONTENT_TYPE, content_type).body(bytes);
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Answer { status, headers, body, text })
    }
}
