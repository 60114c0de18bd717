//! A guild as one user stands in it — the guild, its roles, the user's membership — in one
//! statement: every request in a guild checks permissions, and each statement is a round trip
//! to the thread sqlx runs the connection on, which profiles of sends and history reads showed
//! costing more than SQLite's own work. The roles and the membership come back as JSON.

use accord_core::Snowflake;
use accord_store::{GuildStanding, MemberRecord, RoleRecord};
use sqlx::{Row, SqliteConnection};

use crate::codec::ids_from_json;
use crate::error::corrupt;
use crate::guilds::guild_from;

const STANDING: &str = "SELECT g.*, \
     (SELECT json_group_array(json_array(r.id, r.name, r.color, r.hoist, r.position, r.permissions, r.managed, \
        r.mentionable)) FROM roles r WHERE r.guild_id = g.id) AS roles_json, \
     (SELECT json_array(m.nick, m.roles, m.joined_ms, m.deaf, m.mute, m.flags, m.communication_disabled_until_ms) \
        FROM members m WHERE m.guild_id = g.id AND m.user_id = $2) AS member_json \
     FROM guilds g WHERE g.id = $1";

/// One role as `json_array` lists its columns (booleans are SQLite integers).
type RoleColumns = (i64, String, u32, i64, i32, i64, i64, i64);

/// One membership likewise; its role list is the column's own JSON text.
type MemberColumns = (Option<String>, String, i64, i64, i64, i64, Option<i64>);

pub(crate) async fn read(
    connection: &mut SqliteConnection,
    guild_id: Snowflake,
    user_id: Snowflake,
) -> sqlx::Result<Option<GuildStanding>> {
    let row = sqlx::query(STANDING).bind(guild_id.as_i64()).bind(user_id.as_i64()).fetch_optional(connection).await?;
    let Some(row) = row else { return Ok(None) };
    let guild = guild_from(&row)?;
    let roles: Vec<RoleColumns> =
        serde_json::from_str(&row.try_get::<String, _>("roles_json")?).map_err(|e| corrupt("guild roles", e))?;
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
    let member = match row.try_get::<Option<String>, _>("member_json")? {
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
    Ok(Some(GuildStanding { guild, roles, member }))
}
