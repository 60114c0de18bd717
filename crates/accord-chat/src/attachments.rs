//! Attachment bytes in the blob store: written before the message that lists them commits (a
//! message never points at missing bytes), removed after the message is deleted.

use accord_core::Snowflake;
use accord_media::UploadedFile;
use accord_service::ServiceContext;
use accord_store::{AttachmentRecord, MessageRecord};

use crate::error::ChatError;

/// Stores uploaded files under the channel; returns them as records, in upload order.
pub async fn store(
    ctx: &ServiceContext,
    channel_id: Snowflake,
    files: Vec<UploadedFile>,
) -> Result<Vec<AttachmentRecord>, ChatError> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let id = ctx.next_id();
        let key = accord_media::keys::attachment(channel_id, id, &file.filename);
        let size = file.bytes.len() as u64;
        if let Err(error) = ctx.blobs.put(&key, file.bytes, file.content_type).await {
            remove(ctx, channel_id, &stored).await;
            return Err(accord_media::MediaError::from(error).into());
        }
        stored.push(AttachmentRecord {
            id,
            filename: file.filename,
            size,
            content_type: file.content_type.to_owned(),
            width: file.width,
            height: file.height,
            description: None,
        });
    }
    Ok(stored)
}

/// Removes the bytes of attachments no message lists any more. A failure is logged: the
/// message is gone either way, and its files are unreachable without it.
pub async fn remove(ctx: &ServiceContext, channel_id: Snowflake, attachments: &[AttachmentRecord]) {
    for attachment in attachments {
        let key = accord_media::keys::attachment(channel_id, attachment.id, &attachment.filename);
        if let Err(error) = ctx.blobs.delete(&key).await {
            tracing::warn!(%error, key = %key, "could not delete an attachment's bytes");
        }
    }
}

/// Removes the files of deleted messages.
pub async fn remove_of(ctx: &ServiceContext, messages: &[MessageRecord]) {
    for message in messages {
        remove(ctx, message.channel_id, &message.attachments).await;
    }
}
