//! Record builders for the contract cases: plain, valid records with small readable ids, and
//! a few setup steps (users, a guild with its owner) that many cases share.

use accord_core::Snowflake;

use crate::guilds::NewGuild;
use crate::moderation::AUDIT_LOG_EVENT;
use crate::private_channels::{DM, GROUP_DM};
use crate::{
    BanRecord, ChannelRecord, EventDraft, GuildRecord, InviteRecord, MemberRecord, MessageRecord, OverwriteRecord,
    PrivateChannelRecord, RoleRecord, Store, ThreadRecord, UserRecord,
};

/// A snowflake from a small test number.
pub fn id(n: u64) -> Snowflake {
    Snowflake::new(n).expect("test ids are non-zero")
}

/// A person named `user{n}` with the given email.
pub fn user(n: u64, email: Option<&str>) -> UserRecord {
    UserRecord {
        id: id(n),
        username: format!("user{n}"),
        global_name: None,
        email: email.map(str::to_owned),
        avatar: None,
        bot: false,
        flags: 0,
        token_generation: 0,
        verified: false,
        mfa_enabled: false,
    }
}

/// Creates users `user{n}` for each number, with a password and no email.
pub async fn create_users(store: &dyn Store, numbers: &[u64]) {
    for &n in numbers {
        store.create_user(&user(n, None), Some("$argon2id$test")).await.expect("create user");
    }
}

/// A guild's settings.
pub fn guild(guild_id: u64, owner: u64) -> GuildRecord {
    GuildRecord {
        id: id(guild_id),
        name: format!("guild {guild_id}"),
        icon: None,
        description: None,
        owner_id: id(owner),
        verification_level: 0,
        default_message_notifications: 0,
        explicit_content_filter: 0,
        afk_channel_id: None,
        afk_timeout: 300,
        system_channel_id: None,
        preferred_locale: "en-US".to_owned(),
    }
}

/// A role at `position`.
pub fn role(role_id: u64, guild_id: u64, position: i32) -> RoleRecord {
    RoleRecord {
        id: id(role_id),
        guild_id: id(guild_id),
        name: format!("role {role_id}"),
        color: 0,
        hoist: false,
        position,
        permissions: 0,
        managed: false,
        mentionable: false,
    }
}

/// A text channel at `position`, without overwrites.
pub fn channel(channel_id: u64, guild_id: u64, position: i32) -> ChannelRecord {
    ChannelRecord {
        id: id(channel_id),
        guild_id: Some(id(guild_id)),
        kind: 0,
        name: format!("channel-{channel_id}"),
        position,
        parent_id: None,
        topic: None,
        nsfw: false,
        rate_limit_per_user: 0,
        bitrate: None,
        user_limit: None,
        last_message_id: None,
        overwrites: Vec::new(),
        thread: None,
        forum: None,
    }
}

/// A public thread of `owner` in `parent`, created at 1 000 000 ms.
pub fn thread(thread_id: u64, parent: u64, guild_id: u64, owner: u64) -> ChannelRecord {
    ChannelRecord {
        kind: 11,
        parent_id: Some(id(parent)),
        thread: Some(ThreadRecord {
            owner_id: id(owner),
            archived: false,
            locked: false,
            invitable: true,
            auto_archive_minutes: 1440,
            archive_ms: 1_000_000,
            created_ms: 1_000_000,
            message_count: 0,
            member_count: 0,
            total_message_sent: 0,
            applied_tags: Vec::new(),
        }),
        ..channel(thread_id, guild_id, 0)
    }
}

/// A DM between `a` and `b`, listed in that order.
pub fn dm(channel_id: u64, a: u64, b: u64) -> PrivateChannelRecord {
    PrivateChannelRecord {
        channel: ChannelRecord { guild_id: None, kind: DM, name: String::new(), ..channel(channel_id, 1, 0) },
        owner_id: None,
        icon: None,
        recipients: vec![id(a), id(b)],
    }
}

/// An unnamed group DM of `recipients` (in join order), owned by the first of them.
pub fn group_dm(channel_id: u64, recipients: &[u64]) -> PrivateChannelRecord {
    PrivateChannelRecord {
        channel: ChannelRecord { kind: GROUP_DM, ..dm(channel_id, 1, 2).channel },
        owner_id: recipients.first().map(|&n| id(n)),
        icon: None,
        recipients: recipients.iter().map(|&n| id(n)).collect(),
    }
}

/// An overwrite for a role (kind 0) or a member (kind 1).
pub fn overwrite(target: u64, kind: u8, allow: u64, deny: u64) -> OverwriteRecord {
    OverwriteRecord { id: id(target), kind, allow, deny }
}

/// A member without nick or roles.
pub fn member(guild_id: u64, user_id: u64) -> MemberRecord {
    MemberRecord::joining(id(guild_id), id(user_id), 1_700_000_000_000)
}

/// A new guild with its @everyone role (id = guild id), one text channel (id = guild id + 1)
/// and its owner as member.
pub fn new_guild(guild_id: u64, owner: u64) -> NewGuild {
    NewGuild {
        guild: guild(guild_id, owner),
        roles: vec![role(guild_id, guild_id, 0)],
        channels: vec![channel(guild_id + 1, guild_id, 0)],
        owner: member(guild_id, owner),
    }
}

/// Creates the owner user (unless it exists) and the guild from [`new_guild`], with one event.
pub async fn create_guild(store: &dyn Store, guild_id: u64, owner: u64) -> NewGuild {
    if store.user(id(owner)).await.expect("read owner").is_none() {
        create_users(store, &[owner]).await;
    }
    let new = new_guild(guild_id, owner);
    store.create_guild(&new, &[event(guild_id, "GUILD_CREATE")]).await.expect("create guild");
    new
}

/// Creates the user and adds them to the guild.
pub async fn join(store: &dyn Store, guild_id: u64, user_id: u64) -> MemberRecord {
    create_users(store, &[user_id]).await;
    let member = member(guild_id, user_id);
    assert!(store.add_member(&member, &[]).await.expect("add member"));
    member
}

/// An event named `name` with id `event_id`.
pub fn event(event_id: u64, name: &str) -> EventDraft {
    EventDraft {
        id: id(event_id),
        name: name.to_owned(),
        guild_id: None,
        channel_id: None,
        user_ids: Vec::new(),
        data: "{}".to_owned(),
    }
}

/// A plain message without nonce.
pub fn message(message_id: u64, channel_id: u64, author: u64) -> MessageRecord {
    MessageRecord {
        id: id(message_id),
        channel_id: id(channel_id),
        guild_id: None,
        author_id: id(author),
        content: format!("message {message_id}"),
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
        attachments: Vec::new(),
        embeds: "[]".to_owned(),
    }
}

/// A message whose (author, nonce) must be unique.
pub fn enforced(message_id: u64, channel_id: u64, author: u64, nonce: &str) -> MessageRecord {
    MessageRecord { nonce: Some(nonce.to_owned()), enforced_nonce: true, ..message(message_id, channel_id, author) }
}

/// An invite that never expires and has unlimited uses, created at 1 000 000 ms.
pub fn invite(code: &str, guild_id: u64, channel_id: u64, inviter: u64) -> InviteRecord {
    InviteRecord {
        code: code.to_owned(),
        guild_id: id(guild_id),
        channel_id: id(channel_id),
        inviter_id: id(inviter),
        max_age: 0,
        max_uses: 0,
        uses: 0,
        temporary: false,
        created_ms: 1_000_000,
    }
}

/// A ban with a reason, made at 1 000 000 ms.
pub fn ban(guild_id: u64, user_id: u64) -> BanRecord {
    BanRecord {
        guild_id: id(guild_id),
        user_id: id(user_id),
        reason: Some(format!("ban of {user_id}")),
        created_ms: 1_000_000,
    }
}

/// An audit log event (id = entry id) carrying entry `entry_id` of the guild: made by `user`
/// (none: by the system), of `action_type`, with a change and a reason.
pub fn audit_entry(entry_id: u64, guild_id: u64, user: Option<u64>, action_type: u16) -> EventDraft {
    let data = serde_json::json!({
        "id": entry_id.to_string(),
        "guild_id": guild_id.to_string(),
        "user_id": user.map(|n| n.to_string()),
        "target_id": guild_id.to_string(),
        "action_type": action_type,
        "changes": [{"key": "name", "old_value": "a", "new_value": "b"}],
        "reason": "tidy",
    });
    EventDraft { guild_id: Some(id(guild_id)), data: data.to_string(), ..event(entry_id, AUDIT_LOG_EVENT) }
}

/// The names of the pending outbox events, in commit order.
pub async fn pending_names(store: &dyn Store) -> Vec<String> {
    let pending = store.pending_events(1000).await.expect("pending events");
    pending.into_iter().map(|e| e.event.name).collect()
}

/// The ids of a list of records, as numbers, for compact assertions.
pub fn numbers(ids: impl IntoIterator<Item = Snowflake>) -> Vec<u64> {
    ids.into_iter().map(Snowflake::get).collect()
}
