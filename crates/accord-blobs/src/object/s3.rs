//! The S3 backend: any S3-compatible bucket, addressed as `s3://bucket[/prefix]`, with
//! credentials, region and endpoint from the environment the AWS tools read, and timeouts
//! short enough that a store that is down fails a call in a couple of seconds.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientConfigKey, ObjectStore, RetryConfig};

use crate::{BlobError, BlobResult};

/// Longest wait for a TCP connection to the store.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest a whole request may take, body included (large uploads on slow links).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Retries of a failed request (connection refused, timeout, 5xx): a few, quickly, and none
/// once this long has passed since the first attempt. object_store's default (10 retries
/// over up to 3 minutes) would hold a request for minutes when the store is down.
pub const RETRY: RetryPolicy = RetryPolicy { retries: 2, within: Duration::from_secs(2) };

/// How failed requests are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: usize,
    pub within: Duration,
}

/// How to reach an S3-compatible server, over what `AmazonS3Builder::from_env` reads
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
/// `AWS_ALLOW_HTTP`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Settings {
    /// The server's URL (`http://127.0.0.1:9000`); requests then use path-style addressing.
    /// `None` means AWS itself (or `AWS_ENDPOINT_URL` as read by the builder).
    pub endpoint: Option<String>,
    /// An access key id and secret; `None` reads them from the environment or the instance.
    pub credentials: Option<(String, String)>,
    /// Allows plain `http://` endpoints even without `AWS_ALLOW_HTTP=true`.
    pub allow_http: bool,
}

impl S3Settings {
    /// The endpoint from `ACCORD_S3_ENDPOINT`, else `AWS_ENDPOINT_URL`; everything else as
    /// the AWS tools read it.
    pub fn from_env() -> Self {
        let endpoint = ["ACCORD_S3_ENDPOINT", "AWS_ENDPOINT_URL"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        Self { endpoint, ..Self::default() }
    }
}

/// A store on `bucket[/prefix]` (the URL after `s3://`). Contacts nothing yet.
pub(crate) fn open(location: &str, settings: &S3Settings) -> BlobResult<Arc<dyn ObjectStore>> {
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    if bucket.is_empty() {
        return Err(BlobError::Internal(format!("s3://{location} names no bucket")));
    }
    let client = |key| AmazonS3ConfigKey::Client(key);
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_config(client(ClientConfigKey::ConnectTimeout), format!("{}ms", CONNECT_TIMEOUT.as_millis()))
        .with_config(client(ClientConfigKey::Timeout), format!("{}ms", REQUEST_TIMEOUT.as_millis()))
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_millis(500),
                base: 2.0,
            },
            max_retries: RETRY.retries,
            retry_timeout: RETRY.within,
        });
    if builder.get_config_value(&AmazonS3ConfigKey::Region).is_none() {
        builder = builder.with_region("us-east-1");
    }
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if builder.get_config_value(&AmazonS3ConfigKey::Endpoint).is_some() {
        // Servers other than AWS (MinIO, Garage, moto, ...) rarely resolve bucket subdomains.
        builder = builder.with_virtual_hosted_style_request(false);
    }
    if let Some((id, secret)) = &settings.credentials {
        builder = builder.with_access_key_id(id).with_secret_access_key(secret);
    }
    if settings.allow_http {
        builder = builder.with_allow_http(true);
    }
    let store = builder.build().map_err(|e| BlobError::Internal(format!("configuring S3 bucket {bucket}: {e}")))?;
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return Ok(Arc::new(store));
    }
    let prefix = Path::parse(prefix).map_err(|e| BlobError::Internal(format!("s3://{location}: {e}")))?;
    Ok(Arc::new(PrefixStore::new(store, prefix)))
}
