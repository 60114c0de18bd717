//! Which mentions of a message take effect: members who can see the channel, roles of the
//! guild, `@everyone`/`@here` only with MENTION_EVERYONE, all of it narrowed by
//! `allowed_mentions`. A mention that does not take effect is still text, but pings nobody.

use accord_core::{Permissions, Snowflake};
use accord_service::ServiceContext;
use accord_service::access::ChannelAccess;
use serde::Deserialize;

use crate::error::ChatError;
use crate::mentions;

#[derive(Debug, Default, Deserialize)]
pub struct AllowedMentions {
    #[serde(default)]
    parse: Option<Vec<String>>,
    #[serde(default)]
    users: Option<Vec<Snowflake>>,
    #[serde(default)]
    roles: Option<Vec<Snowflake>>,
    /// For replies: whether the replied-to author is pinged.
    #[serde(default)]
    pub replied_user: Option<bool>,
}

/// `(users, roles, everyone)` that the content pings.
pub async fn effective_mentions(
    ctx: &ServiceContext,
    access: &ChannelAccess,
    content: &str,
    allowed: Option<&AllowedMentions>,
) -> Result<(Vec<Snowflake>, Vec<Snowflake>, bool), ChatError> {
    let found = mentions::parse(content);
    let parse_allows =
        |kind: &str| allowed.is_none_or(|a| a.parse.as_ref().is_some_and(|p| p.iter().any(|x| x == kind)));
    let listed = |list: Option<&Vec<Snowflake>>, id: &Snowflake| list.is_some_and(|l| l.contains(id));
    let mut users = Vec::new();
    for id in found.users {
        let allowed_user = parse_allows("users") || listed(allowed.and_then(|a| a.users.as_ref()), &id);
        if allowed_user && can_be_pinged(ctx, access, id).await? {
            users.push(id);
        }
    }
    let Some(guild) = &access.guild else {
        // A DM has no roles, and nobody beyond its recipients to ping.
        return Ok((users, Vec::new(), false));
    };
    let roles = found
        .roles
        .into_iter()
        .filter(|id| *id != guild.guild.id && guild.role(*id).is_some())
        .filter(|id| parse_allows("roles") || listed(allowed.and_then(|a| a.roles.as_ref()), id))
        .collect();
    let everyone =
        found.everyone && parse_allows("everyone") && access.permissions.contains(Permissions::MENTION_EVERYONE);
    Ok((users, roles, everyone))
}

/// Whether `user_id` is a member who can see the channel, or one of a DM's recipients.
pub async fn can_be_pinged(
    ctx: &ServiceContext,
    access: &ChannelAccess,
    user_id: Snowflake,
) -> Result<bool, ChatError> {
    let Some(guild) = &access.guild else {
        return Ok(access.private.as_ref().is_some_and(|p| p.is_recipient(user_id)));
    };
    let Some(member) = ctx.store.member(guild.guild.id, user_id).await? else { return Ok(false) };
    let as_them = guild.as_member(member);
    Ok(as_them.channel_permissions(&access.channel).contains(Permissions::VIEW_CHANNEL))
}
