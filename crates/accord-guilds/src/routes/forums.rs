//! Forum settings (`available_tags` and the defaults for new posts) as `POST
//! /guilds/{guild.id}/channels` and `PATCH /channels/{channel.id}` take them. They belong to
//! forums (type 15) only; on any other channel they are a form error.

use accord_core::Snowflake;
use accord_service::ServiceContext;
use accord_service::extract::nullable;
use accord_store::{ChannelRecord, ForumTag, ReactionEmoji};
use serde::Deserialize;

use crate::error::{GuildError, invalid};
use crate::validate;

/// Tags a forum may have.
const MAX_TAGS: usize = 20;

/// The forum fields of a create or modify body (flattened into it).
#[derive(Debug, Default, Deserialize)]
pub struct ForumBody {
    #[serde(default)]
    available_tags: Option<Vec<TagBody>>,
    #[serde(default, deserialize_with = "nullable")]
    default_sort_order: Option<Option<u8>>,
    #[serde(default)]
    default_forum_layout: Option<u8>,
    #[serde(default, deserialize_with = "nullable")]
    default_reaction_emoji: Option<Option<EmojiBody>>,
    #[serde(default)]
    default_thread_rate_limit_per_user: Option<u32>,
}

/// A tag as clients send it: without an id (or with one the forum does not have) it is new.
#[derive(Debug, Deserialize)]
struct TagBody {
    #[serde(default)]
    id: Option<Snowflake>,
    name: String,
    #[serde(default)]
    moderated: Option<bool>,
    #[serde(default)]
    emoji_id: Option<Snowflake>,
    #[serde(default)]
    emoji_name: Option<String>,
}

/// `default_reaction_emoji`: a custom emoji's id or a Unicode emoji.
#[derive(Debug, Deserialize)]
struct EmojiBody {
    #[serde(default)]
    emoji_id: Option<Snowflake>,
    #[serde(default)]
    emoji_name: Option<String>,
}

impl ForumBody {
    /// The first forum field given, if any.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("available_tags", self.available_tags.is_some()),
            ("default_sort_order", self.default_sort_order.is_some()),
            ("default_forum_layout", self.default_forum_layout.is_some()),
            ("default_reaction_emoji", self.default_reaction_emoji.is_some()),
            ("default_thread_rate_limit_per_user", self.default_thread_rate_limit_per_user.is_some()),
        ]
        .into_iter()
        .find_map(|(field, given)| given.then_some(field))
    }

    /// Validates the fields given and writes them into the forum's settings; any of them on a
    /// channel that is not a forum is an error.
    pub fn apply(self, ctx: &ServiceContext, channel: &mut ChannelRecord) -> Result<(), GuildError> {
        let Some(forum) = channel.forum.as_mut() else {
            return match self.first_given() {
                Some(field) => Err(invalid(field, "Only forum channels have this field.")),
                None => Ok(()),
            };
        };
        let mut next = forum.clone();
        if let Some(tags) = self.available_tags {
            next.tags = checked_tags(ctx, &forum.tags, tags)?;
        }
        if let Some(order) = self.default_sort_order {
            if order.is_some_and(|o| o > 1) {
                return Err(invalid("default_sort_order", "Must be 0 (latest activity), 1 (creation date) or null."));
            }
            next.default_sort_order = order;
        }
        if let Some(layout) = self.default_forum_layout {
            if layout > 2 {
                return Err(invalid("default_forum_layout", "Must be 0 (not set), 1 (list) or 2 (gallery)."));
            }
            next.default_layout = layout;
        }
        if let Some(emoji) = self.default_reaction_emoji {
            next.default_reaction_emoji = emoji.map(default_reaction).transpose()?;
        }
        if let Some(rate) = self.default_thread_rate_limit_per_user {
            next.default_thread_rate_limit_per_user =
                validate::in_range("default_thread_rate_limit_per_user", rate, 0, 21_600)?;
        }
        *forum = next;
        Ok(())
    }
}

/// The new tag list: at most [`MAX_TAGS`], each keeping its id when the forum has it already
/// (once), and getting a fresh one otherwise.
fn checked_tags(ctx: &ServiceContext, current: &[ForumTag], bodies: Vec<TagBody>) -> Result<Vec<ForumTag>, GuildError> {
    const FIELD: &str = "available_tags";
    if bodies.len() > MAX_TAGS {
        return Err(invalid(FIELD, "Must be 20 or fewer in length."));
    }
    let mut tags: Vec<ForumTag> = Vec::with_capacity(bodies.len());
    for body in bodies {
        if body.emoji_id.is_some() && body.emoji_name.is_some() {
            return Err(invalid(FIELD, "A tag's emoji is either a custom emoji id or a Unicode emoji."));
        }
        let kept = body.id.filter(|id| current.iter().any(|t| t.id == *id) && tags.iter().all(|t| t.id != *id));
        tags.push(ForumTag {
            id: kept.unwrap_or_else(|| ctx.next_id()),
            name: validate::name(FIELD, &body.name, 1, 20)?,
            moderated: body.moderated.unwrap_or(false),
            emoji_id: body.emoji_id,
            emoji_name: body.emoji_name.as_deref().map(|e| validate::emoji_name(FIELD, e)).transpose()?,
        });
    }
    Ok(tags)
}

/// Exactly one of a custom emoji's id and a Unicode emoji.
fn default_reaction(body: EmojiBody) -> Result<ReactionEmoji, GuildError> {
    const FIELD: &str = "default_reaction_emoji";
    match (body.emoji_id, body.emoji_name) {
        (Some(id), None) => Ok(ReactionEmoji { id: Some(id), name: String::new(), animated: false }),
        (None, Some(name)) => {
            Ok(ReactionEmoji { id: None, name: validate::emoji_name(FIELD, &name)?, animated: false })
        }
        _ => Err(invalid(FIELD, "Set exactly one of emoji_id and emoji_name.")),
    }
}
