//! Encodings every backend shares, so a row written by one reads the same in the other
//! (`accord migrate-store` copies these columns as they are).

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};

use crate::AttachmentRecord;

/// An attachment as stored in a message's `attachments` JSON array.
#[derive(Serialize, Deserialize)]
struct StoredAttachment {
    id: Snowflake,
    filename: String,
    size: u64,
    content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// A message's attachments as a JSON array.
pub fn attachments_to_json(attachments: &[AttachmentRecord]) -> String {
    let stored: Vec<StoredAttachment> = attachments
        .iter()
        .map(|a| StoredAttachment {
            id: a.id,
            filename: a.filename.clone(),
            size: a.size,
            content_type: a.content_type.clone(),
            width: a.width,
            height: a.height,
            description: a.description.clone(),
        })
        .collect();
    serde_json::to_string(&stored).expect("attachments always serialise")
}

/// Reads what [`attachments_to_json`] wrote.
pub fn attachments_from_json(text: &str) -> Result<Vec<AttachmentRecord>, serde_json::Error> {
    let stored: Vec<StoredAttachment> = serde_json::from_str(text)?;
    Ok(stored
        .into_iter()
        .map(|a| AttachmentRecord {
            id: a.id,
            filename: a.filename,
            size: a.size,
            content_type: a.content_type,
            width: a.width,
            height: a.height,
            description: a.description,
        })
        .collect())
}
