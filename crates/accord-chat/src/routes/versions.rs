//! Beyond Discord: `GET /channels/{c}/messages/{m}/history`, the versions edits replaced,
//! oldest first, for anyone who can read the message.

use accord_core::Snowflake;
use accord_core::time::format_timestamp;
use accord_service::extract::Path;
use accord_service::{ApiResult, Caller, ServiceContext};
use axum::extract::State;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Version {
    version: u32,
    content: String,
    embeds: Vec<serde_json::Value>,
    /// When this version was written: the message's creation or an earlier edit.
    timestamp: String,
    /// When the next edit replaced it.
    replaced_timestamp: String,
}

pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Vec<Version>>> {
    super::messages::readable(&ctx, caller.user_id, ids).await?;
    let versions = ctx.store.message_versions(ids.0, ids.1).await?;
    Ok(axum::Json(
        versions
            .into_iter()
            .map(|v| Version {
                version: v.version,
                content: v.content,
                embeds: serde_json::from_str(&v.embeds).unwrap_or_default(),
                timestamp: format_timestamp(v.written_ms),
                replaced_timestamp: format_timestamp(v.replaced_ms),
            })
            .collect(),
    ))
}
