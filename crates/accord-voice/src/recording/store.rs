//! Storing a stopped recording: each participant's Ogg Opus file goes to blob storage as an
//! attachment of a new message in the channel, posted by whoever stopped it, so everyone who
//! can read the channel finds the recording there.

use accord_core::Snowflake;
use accord_service::audience::Audience;
use accord_service::{ServiceContext, render};
use accord_store::{AttachmentRecord, MessageRecord};
use tokio::sync::mpsc;

use crate::sfu::room::FinishedRecording;

/// Stores recordings as they stop, until the SFU ends.
pub async fn run(ctx: ServiceContext, mut recordings: mpsc::Receiver<FinishedRecording>) {
    while let Some(recording) = recordings.recv().await {
        if let Err(error) = store(&ctx, recording).await {
            tracing::error!(%error, "a voice recording could not be stored");
        }
    }
}

/// Uploads the files and posts the message; returns the message id.
pub async fn store(ctx: &ServiceContext, recording: FinishedRecording) -> anyhow::Result<Snowflake> {
    let channel = ctx.store.channel(recording.channel_id).await?.ok_or_else(|| anyhow::anyhow!("channel gone"))?;
    let mut attachments = Vec::new();
    for (user, bytes) in recording.files {
        let id = ctx.next_id();
        let filename = accord_files::filename::sanitize(&format!("recording-{}-{user}.ogg", recording.started_ms));
        let key = accord_files::keys::attachment(channel.id, id, &filename);
        let size = bytes.len() as u64;
        ctx.blobs.put(&key, bytes.into(), "audio/ogg").await?;
        attachments.push(AttachmentRecord {
            id,
            filename,
            size,
            content_type: "audio/ogg".into(),
            width: None,
            height: None,
            description: Some(format!("Audio of <@{user}>")),
        });
    }
    let seconds = accord_core::time::now_ms().saturating_sub(recording.started_ms) / 1000;
    let record = MessageRecord {
        id: ctx.next_id(),
        channel_id: channel.id,
        guild_id: channel.guild_id,
        author_id: recording.stopped_by,
        content: format!(
            "Recording of <#{}>, {}:{:02}, started by <@{}>",
            channel.id,
            seconds / 60,
            seconds % 60,
            recording.started_by
        ),
        nonce: None,
        enforced_nonce: false,
        tts: false,
        kind: 0,
        flags: 0,
        edited_ms: None,
        pinned_ms: None,
        mention_everyone: false,
        mention_user_ids: Vec::new(),
        mention_role_ids: Vec::new(),
        reference: None,
        attachments,
        embeds: "[]".into(),
    };
    let author = ctx.store.user(record.author_id).await?.into_iter().collect::<Vec<_>>();
    let mut payload = render::message(&record, &author, &[], &ctx.public_url);
    payload.guild_id = record.guild_id;
    let audience = Audience::of(ctx.store.as_ref(), &channel).await?;
    let event = audience.event(ctx, "MESSAGE_CREATE", &payload);
    ctx.store.create_message(&record, &[event]).await?;
    ctx.events_committed();
    Ok(record.id)
}
