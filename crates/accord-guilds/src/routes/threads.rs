//! Threads through the channel routes: `PATCH` and `DELETE /channels/{thread.id}`, which
//! [`super::channels`] hands over when the channel is a thread.
//!
//! MANAGE_THREADS (in the parent) may change anything. The thread's owner may rename it,
//! archive or unarchive it, change its auto-archive duration and its forum tags; anyone who
//! may send in it may unarchive it. A locked thread is changed by MANAGE_THREADS only, and so
//! are `locked`, `invitable`, `rate_limit_per_user` and moderated tags.

use accord_api::channel::Channel;
use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, PRIVATE_THREAD};
use accord_service::audience::Audience;
use accord_service::audit::{self, AuditReason, action};
use accord_service::{ApiResult, ServiceContext, render};
use accord_store::{ChannelRecord, ThreadRecord};
use serde::Deserialize;

use super::channels::ModifyChannel;
use crate::error::{GuildError, invalid};
use crate::{events, validate};

/// Tags a forum post may carry.
const MAX_APPLIED_TAGS: usize = 5;

/// The thread fields of a modify body (flattened into [`ModifyChannel`]).
#[derive(Debug, Default, Deserialize)]
pub struct ThreadBody {
    #[serde(default)]
    archived: Option<bool>,
    #[serde(default)]
    auto_archive_duration: Option<u32>,
    #[serde(default)]
    locked: Option<bool>,
    #[serde(default)]
    invitable: Option<bool>,
    #[serde(default)]
    applied_tags: Option<Vec<Snowflake>>,
}

impl ThreadBody {
    /// The first thread field given, if any.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("archived", self.archived.is_some()),
            ("auto_archive_duration", self.auto_archive_duration.is_some()),
            ("locked", self.locked.is_some()),
            ("invitable", self.invitable.is_some()),
            ("applied_tags", self.applied_tags.is_some()),
        ]
        .into_iter()
        .find_map(|(field, given)| given.then_some(field))
    }
}

/// `PATCH /channels/{thread.id}` — see the module documentation for who may change what.
pub async fn modify(
    ctx: &ServiceContext,
    caller: Snowflake,
    reason: &AuditReason,
    access: ChannelAccess,
    body: ModifyChannel,
) -> ApiResult<axum::Json<Channel>> {
    if let Some(field) = body.channel_only_field() {
        return Err(invalid(field, "Threads do not have this field.").into());
    }
    let before = &access.channel;
    let old = before.thread.as_ref().ok_or(GuildError::UnknownChannel)?;
    let mut after = applied(body, before, access.parent.as_ref())?;
    let new = after.thread.as_ref().ok_or(GuildError::UnknownChannel)?;
    let change = Change::between(before, old, &after, new, access.parent.as_ref());
    if change.is_none() {
        return Ok(axum::Json(render::channel(before)));
    }
    change.authorize(&access, caller, old)?;
    if old.archived && new.archived {
        return Err(GuildError::ThreadArchived.into());
    }
    if change.archived
        && let Some(new) = after.thread.as_mut()
    {
        new.archive_ms = accord_core::time::now_ms();
    }
    let audience = Audience::of(ctx.store.as_ref(), &after).await?;
    let entry = events::AuditLog::new(ctx, access.in_guild()?.guild.id, caller, reason).entry(
        action::THREAD_UPDATE,
        Some(after.id),
        audit::changes(&audit::thread_fields(before), &audit::thread_fields(&after)),
    );
    let event = events::thread_update(ctx, &audience, &after);
    ctx.store.update_thread(&after, &[event, entry]).await?;
    ctx.events_committed();
    Ok(axum::Json(render::channel(&after)))
}

/// The thread with the body's fields validated and applied.
fn applied(
    body: ModifyChannel,
    before: &ChannelRecord,
    parent: Option<&ChannelRecord>,
) -> Result<ChannelRecord, GuildError> {
    let mut after = before.clone();
    if let Some(name) = &body.name {
        after.name = validate::name("name", name, 1, 100)?;
    }
    if let Some(rate) = body.rate_limit_per_user {
        after.rate_limit_per_user = validate::in_range("rate_limit_per_user", rate, 0, 21_600)?;
    }
    let Some(new) = after.thread.as_mut() else { return Err(GuildError::UnknownChannel) };
    let fields = body.thread;
    if let Some(archived) = fields.archived {
        new.archived = archived;
    }
    if let Some(minutes) = fields.auto_archive_duration {
        new.auto_archive_minutes = validate::auto_archive(minutes)?;
    }
    if let Some(locked) = fields.locked {
        new.locked = locked;
    }
    if let Some(invitable) = fields.invitable {
        if before.kind != PRIVATE_THREAD {
            return Err(invalid("invitable", "Only private threads have this field."));
        }
        new.invitable = invitable;
    }
    if let Some(tags) = fields.applied_tags {
        new.applied_tags = checked_tags(parent, tags)?;
    }
    Ok(after)
}

/// Forum posts only: at most [`MAX_APPLIED_TAGS`] of the parent forum's tags, each once.
fn checked_tags(parent: Option<&ChannelRecord>, tags: Vec<Snowflake>) -> Result<Vec<Snowflake>, GuildError> {
    let Some(forum) = parent.and_then(|p| p.forum.as_ref()) else {
        return Err(invalid("applied_tags", "Only forum posts have tags."));
    };
    let mut applied: Vec<Snowflake> = Vec::with_capacity(tags.len());
    for tag in tags {
        if !forum.tags.iter().any(|t| t.id == tag) {
            return Err(invalid("applied_tags", "Must be tags of the forum."));
        }
        if !applied.contains(&tag) {
            applied.push(tag);
        }
    }
    if applied.len() > MAX_APPLIED_TAGS {
        return Err(invalid("applied_tags", "Must be 5 or fewer in length."));
    }
    Ok(applied)
}

/// What a modify request changes, for deciding who may make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    /// Name, auto-archive duration or non-moderated tags: the owner's to change.
    owner_fields: bool,
    archived: bool,
    /// Locked, invitable, slowmode or moderated tags: MANAGE_THREADS only.
    moderator_fields: bool,
}

impl Change {
    fn between(
        before: &ChannelRecord,
        old: &ThreadRecord,
        after: &ChannelRecord,
        new: &ThreadRecord,
        parent: Option<&ChannelRecord>,
    ) -> Self {
        let tags_changed = old.applied_tags != new.applied_tags;
        let moderated_tag_changed = tags_changed
            && parent.and_then(|p| p.forum.as_ref()).is_some_and(|forum| {
                forum
                    .tags
                    .iter()
                    .filter(|t| t.moderated)
                    .any(|t| old.applied_tags.contains(&t.id) != new.applied_tags.contains(&t.id))
            });
        Self {
            owner_fields: before.name != after.name
                || old.auto_archive_minutes != new.auto_archive_minutes
                || tags_changed,
            archived: old.archived != new.archived,
            moderator_fields: old.locked != new.locked
                || old.invitable != new.invitable
                || before.rate_limit_per_user != after.rate_limit_per_user
                || moderated_tag_changed,
        }
    }

    fn is_none(self) -> bool {
        !(self.owner_fields || self.archived || self.moderator_fields)
    }

    /// 403 unless the caller may make this change.
    fn authorize(self, access: &ChannelAccess, caller: Snowflake, old: &ThreadRecord) -> Result<(), GuildError> {
        if access.permissions.contains(Permissions::MANAGE_THREADS) {
            return Ok(());
        }
        let only_unarchives = self.archived && old.archived && !self.owner_fields && !self.moderator_fields;
        let allowed = !old.locked
            && !self.moderator_fields
            && (old.owner_id == caller || (only_unarchives && access.permissions.contains(Permissions::SEND_MESSAGES)));
        if allowed { Ok(()) } else { Err(GuildError::MissingPermissions) }
    }
}

/// `DELETE /channels/{thread.id}` — MANAGE_THREADS; answers the deleted thread.
pub async fn delete(
    ctx: &ServiceContext,
    caller: Snowflake,
    reason: &AuditReason,
    access: ChannelAccess,
) -> ApiResult<axum::Json<Channel>> {
    access.require_permission(Permissions::MANAGE_THREADS)?;
    let thread = &access.channel;
    let audience = Audience::of(ctx.store.as_ref(), thread).await?;
    let entry = events::AuditLog::new(ctx, access.in_guild()?.guild.id, caller, reason).entry(
        action::THREAD_DELETE,
        Some(thread.id),
        audit::deleted(&audit::thread_fields(thread)),
    );
    let event = events::thread_delete(ctx, &audience, thread);
    if !ctx.store.delete_channel(thread.id, &[event, entry]).await? {
        return Err(GuildError::UnknownChannel.into());
    }
    ctx.events_committed();
    crate::files::remove_later(ctx, vec![thread.id], None, Vec::new());
    Ok(axum::Json(render::channel(thread)))
}
