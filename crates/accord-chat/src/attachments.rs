//! Attachment bytes in the blob store: streamed there while the upload is read, so before the
//! message that lists them commits (a message never points at missing bytes); removed when the
//! message fails or is deleted.

use accord_blobs::BlobWriter;
use accord_core::Snowflake;
use accord_files::{FileSink, MediaError, UploadedFile};
use accord_service::ServiceContext;
use accord_store::{AttachmentRecord, MessageRecord};

/// Streams a message's files into the blob store under the channel, each with a fresh id.
pub struct AttachmentSink<'a> {
    ctx: &'a ServiceContext,
    channel_id: Snowflake,
    /// Whether the sender has ATTACH_FILES; without it the first file stops the upload.
    may_attach: bool,
    /// What was opened, in upload order.
    stored: Vec<AttachmentRecord>,
}

impl<'a> AttachmentSink<'a> {
    pub fn new(ctx: &'a ServiceContext, channel_id: Snowflake, may_attach: bool) -> Self {
        Self { ctx, channel_id, may_attach, stored: Vec::new() }
    }

    /// The stored files as records, completed from what the upload measured.
    pub fn records(&self, files: &[UploadedFile]) -> Vec<AttachmentRecord> {
        self.stored
            .iter()
            .zip(files)
            .map(|(record, file)| AttachmentRecord {
                size: file.size,
                width: file.width,
                height: file.height,
                ..record.clone()
            })
            .collect()
    }

    /// Removes everything stored so far (the message will not be written).
    pub async fn discard(&self) {
        remove(self.ctx, self.channel_id, &self.stored).await;
    }
}

#[async_trait::async_trait]
impl FileSink for AttachmentSink<'_> {
    async fn open(
        &mut self,
        _index: usize,
        filename: &str,
        content_type: &'static str,
    ) -> Result<Box<dyn BlobWriter>, MediaError> {
        if !self.may_attach {
            return Err(MediaError::MissingPermissions);
        }
        let id = self.ctx.next_id();
        let key = accord_files::keys::attachment(self.channel_id, id, filename);
        let writer = self.ctx.blobs.writer(&key, content_type).await?;
        self.stored.push(AttachmentRecord {
            id,
            filename: filename.to_owned(),
            size: 0,
            content_type: content_type.to_owned(),
            width: None,
            height: None,
            description: None,
        });
        Ok(writer)
    }
}

/// Removes the bytes of attachments no message lists any more. A failure is logged: the
/// message is gone either way, and its files are unreachable without it.
pub async fn remove(ctx: &ServiceContext, channel_id: Snowflake, attachments: &[AttachmentRecord]) {
    for attachment in attachments {
        let key = accord_files::keys::attachment(channel_id, attachment.id, &attachment.filename);
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
