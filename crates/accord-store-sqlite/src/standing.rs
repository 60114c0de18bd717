//! A guild as one user stands in it — the guild, its roles, the user's membership — in one
//! statement, run inline (`inline`): every request in a guild checks permissions. The roles
//! and the membership come back as JSON. A request in a channel reads the channel in the same
//! statement, the guild as JSON too.

use accord_core::Snowflake;
use accord_store::{ChannelStanding, GuildRecord, GuildStanding, MemberRecord, RoleRecord, StoreResult};

use crate::channels::{channel_with_overwrites, overwrites_json};
use crate::codec::{Columns, ids_from_json};
use crate::error::corrupt;
use crate::guilds::guild_from;
use crate::inline::InlineReads;

/// The roles of the guild whose id is `$guild` (an SQL expression), as column `roles_json`,
/// and `$user`'s membership in it as `member_json`.
macro_rules! roles_and_member_json {
    ($guild:literal, $user:literal) => {
        concat!(
            "(SELECT json_group_array(json_array(r.id, r.name, r.color, r.hoist, r.position, r.permissions, r.managed, \
                r.mentionable)) FROM roles r WHERE r.guild_id = ", $guild, ") AS roles_json, \
             (SELECT json_array(m.nick, m.roles, m.joined_ms, m.deaf, m.mute, m.flags, m.communication_disabled_until_ms) \
                FROM members m WHERE m.guild_id = ", $guild, " AND m.user_id = ", $user, ") AS member_json"
        )
    };
}

const STANDING: &str = concat!("SELECT g.*, ", roles_and_member_json!("g.id", "?2"), " FROM guilds g WHERE g.id = ?1");

/// The channel, its overwrites, and its guild's standing (NULL outside guilds).
const CHANNEL_STANDING: &str = concat!(
    "SELECT c.*, ",
    overwrites_json!(),
    ", (SELECT json_array(g.id, g.name, g.icon, g.description, g.owner_id, g.verification_level, \
        g.default_message_notifications, g.explicit_content_filter, g.afk_channel_id, g.afk_timeout, \
        g.system_channel_id, g.preferred_locale) FROM guilds g WHERE g.id = c.guild_id) AS guild_json, ",
    roles_and_member_json!("c.guild_id", "?2"),
    " FROM channels c WHERE c.id = ?1"
);

/// A guild as `json_array` lists its columns in [`CHANNEL_STANDING`].
type GuildColumns =
    (i64, String, Option<String>, Option<String>, i64, u8, u8, u8, Option<i64>, u32, Option<i64>, String);

/// One role as `json_array` lists its columns (booleans are SQLite integers).
type RoleColumns = (i64, String, u32, i64, i32, i64, i64, i64);

/// One membership likewise; its role list is the column's own JSON text.
type MemberColumns = (Option<String>, String, i64, i64, i64, i64, Option<i64>);

pub(crate) fn read(reads: &InlineReads, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<GuildStanding>> {
    reads.optional(STANDING, (guild_id.as_i64(), user_id.as_i64()), |row| {
        let guild = guild_from(row)?;
        standing(guild, user_id, &row.try_get::<String>("roles_json")?, row.try_get("member_json")?)
    })
}

/// A channel with its guild's standing for `user_id`, in one statement.
pub(crate) fn read_in_channel(
    reads: &InlineReads,
    channel_id: Snowflake,
    user_id: Snowflake,
) -> StoreResult<Option<ChannelStanding>> {
    reads.optional(CHANNEL_STANDING, (channel_id.as_i64(), user_id.as_i64()), |row| {
        let channel = channel_with_overwrites(row)?;
        let guild = match row.try_get::<Option<String>>("guild_json")? {
            None => None,
            Some(text) => {
                let guild = guild_from_json(&text)?;
                Some(standing(guild, user_id, &row.try_get::<String>("roles_json")?, row.try_get("member_json")?)?)
            }
        };
        Ok(ChannelStanding { channel, guild })
    })
}

fn guild_from_json(text: &str) -> sqlx::Result<GuildRecord> {
    let columns: GuildColumns = serde_json::from_str(text).map_err(|e| corrupt("guild", e))?;
    let (
        id,
        name,
        icon,
        description,
        owner_id,
        verification,
        notifications,
        filter,
        afk_channel,
        afk_timeout,
        system,
        locale,
    ) = columns;
    Ok(GuildRecord {
        id: Snowflake::from_i64(id),
        name,
        icon,
        description,
        owner_id: Snowflake::from_i64(owner_id),
        verification_level: verification,
        default_message_notifications: notifications,
        explicit_content_filter: filter,
        afk_channel_id: afk_channel.map(Snowflake::from_i64),
        afk_timeout,
        system_channel_id: system.map(Snowflake::from_i64),
        preferred_locale: locale,
    })
}

/// The standing from the guild and the JSON of [`roles_and_member_json!`].
fn standing(
    guild: GuildRecord,
    user_id: Snowflake,
    roles_json: &str,
    member_json: Option<String>,
) -> sqlx::Result<GuildStanding> {
    let guild_id = guild.id;
    let roles: Vec<RoleColumns> = serde_json::from_str(roles_json).map_err(|e| corrupt("guild roles", e))?;
    let mut roles: Vec<RoleRecord> = roles
        .into_iter()
        .map(|(id, name, color, hoist, position, permissions, managed, mentionable)| RoleRecord {
            id: Snowflake::from_i64(id),
            guild_id,
            name,
            color,
            hoist: hoist != 0,
            position,
            permissions: permissions as u64,
            managed: managed != 0,
            mentionable: mentionable != 0,
        })
        .collect();
    // json_group_array's order is unspecified; the contract is (position, id).
    roles.sort_by_key(|role| (role.position, role.id));
    let member = match member_json {
        None => None,
        Some(text) => {
            let (nick, role_ids, joined_ms, deaf, mute, flags, timeout): MemberColumns =
                serde_json::from_str(&text).map_err(|e| corrupt("membership", e))?;
            Some(MemberRecord {
                guild_id,
                user_id,
                nick,
                roles: ids_from_json(&role_ids)?,
                joined_ms: joined_ms as u64,
                deaf: deaf != 0,
                mute: mute != 0,
                flags: flags as u64,
                communication_disabled_until_ms: timeout.map(|ms| ms as u64),
            })
        }
    };
    Ok(GuildStanding { guild, roles, member })
}
