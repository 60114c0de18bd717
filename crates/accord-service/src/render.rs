//! Records to Discord wire objects. Every service renders through here, so an object looks
//! the same in every answer and event.

use accord_api::application::Application;
use accord_api::channel::{
    Channel, DefaultReaction, ForumTag, Overwrite, PrivateChannel, ThreadMember, ThreadMetadata,
};
use accord_api::guild::{Guild, Member, Role, RoleColors};
use accord_api::invite::{Invite, InviteChannel, InviteGuild};
use accord_api::message::{
    Attachment, Mention, Message, MessageReference, PartialEmoji, Reaction, ReactionCountDetails,
};
use accord_api::settings::Profile;
use accord_api::user::{CurrentUser, User};
use accord_core::time::format_timestamp;
use accord_core::{Permissions, Snowflake};
use accord_store::{
    ApplicationRecord, AttachmentRecord, ChannelRecord, GuildRecord, InviteRecord, MemberRecord, MessageRecord,
    PrivateChannelRecord, ReactionCount, RoleRecord, UserRecord,
};

/// Channel types that carry voice fields.
pub fn is_voice_kind(kind: u8) -> bool {
    matches!(kind, 2 | 13)
}

pub fn user(u: &UserRecord) -> User {
    User {
        id: u.id,
        username: u.username.clone(),
        discriminator: "0",
        global_name: u.global_name.clone(),
        avatar: u.avatar.clone(),
        bot: u.bot,
        system: false,
        banner: None,
        accent_color: None,
        public_flags: u.flags,
        avatar_decoration_data: None,
    }
}

/// A user with their profile's banner and accent colour (which Discord shows only where a
/// user is fetched on its own).
pub fn user_with(u: &UserRecord, profile: &Profile) -> User {
    User { banner: profile.banner.clone(), accent_color: profile.accent_color, ..user(u) }
}

pub fn current_user(u: &UserRecord) -> CurrentUser {
    current_user_with(u, &Profile::default())
}

/// The current user with their profile fields.
pub fn current_user_with(u: &UserRecord, profile: &Profile) -> CurrentUser {
    CurrentUser {
        user: user_with(u, profile),
        mfa_enabled: u.mfa_enabled,
        locale: "en-US".into(),
        verified: u.verified,
        email: u.email.clone(),
        flags: u.flags,
        premium_type: 0,
        bio: profile.bio.clone(),
    }
}

pub fn role(r: &RoleRecord) -> Role {
    Role {
        id: r.id,
        name: r.name.clone(),
        color: r.color,
        colors: RoleColors { primary_color: r.color, secondary_color: None, tertiary_color: None },
        hoist: r.hoist,
        icon: None,
        unicode_emoji: None,
        position: r.position,
        permissions: Permissions::from_bits_truncate(r.permissions),
        managed: r.managed,
        mentionable: r.mentionable,
        flags: 0,
    }
}

/// A member; `u` is omitted where Discord omits it (a message's `member`).
pub fn member(m: &MemberRecord, u: Option<&UserRecord>) -> Member {
    Member {
        user: u.map(user),
        nick: m.nick.clone(),
        avatar: None,
        banner: None,
        roles: m.roles.clone(),
        joined_at: format_timestamp(m.joined_ms),
        premium_since: None,
        deaf: m.deaf,
        mute: m.mute,
        flags: m.flags,
        pending: false,
        communication_disabled_until: m.communication_disabled_until_ms.map(format_timestamp),
    }
}

pub fn channel(c: &ChannelRecord) -> Channel {
    let voice = is_voice_kind(c.kind);
    Channel {
        id: c.id,
        kind: c.kind,
        guild_id: c.guild_id,
        position: c.position,
        permission_overwrites: c
            .overwrites
            .iter()
            .map(|o| Overwrite {
                id: o.id,
                kind: o.kind,
                allow: Permissions::from_bits_truncate(o.allow),
                deny: Permissions::from_bits_truncate(o.deny),
            })
            .collect(),
        name: c.name.clone(),
        topic: c.topic.clone(),
        nsfw: c.nsfw,
        last_message_id: c.last_message_id,
        rate_limit_per_user: c.rate_limit_per_user,
        parent_id: c.parent_id,
        flags: 0,
        bitrate: if voice { Some(c.bitrate.unwrap_or(64_000)) } else { None },
        user_limit: if voice { Some(c.user_limit.unwrap_or(0)) } else { None },
        rtc_region: voice.then_some(None),
        permissions: None,
        owner_id: c.thread.as_ref().map(|t| t.owner_id),
        message_count: c.thread.as_ref().map(|t| t.message_count),
        member_count: c.thread.as_ref().map(|t| t.member_count),
        total_message_sent: c.thread.as_ref().map(|t| t.total_message_sent),
        thread_metadata: c.thread.as_ref().map(|t| ThreadMetadata {
            archived: t.archived,
            auto_archive_duration: t.auto_archive_minutes,
            archive_timestamp: format_timestamp(t.archive_ms),
            locked: t.locked,
            invitable: (c.kind == 12).then_some(t.invitable),
            create_timestamp: format_timestamp(t.created_ms),
        }),
        applied_tags: c.thread.as_ref().map(|t| t.applied_tags.clone()),
        member: None,
        available_tags: c.forum.as_ref().map(|f| {
            f.tags
                .iter()
                .map(|t| ForumTag {
                    id: t.id,
                    name: t.name.clone(),
                    moderated: t.moderated,
                    emoji_id: t.emoji_id,
                    emoji_name: t.emoji_name.clone(),
                })
                .collect()
        }),
        default_sort_order: c.forum.as_ref().map(|f| f.default_sort_order),
        default_forum_layout: c.forum.as_ref().map(|f| f.default_layout),
        default_reaction_emoji: c.forum.as_ref().map(|f| {
            f.default_reaction_emoji
                .as_ref()
                .map(|e| DefaultReaction { emoji_id: e.id, emoji_name: e.id.is_none().then(|| e.name.clone()) })
        }),
        default_thread_rate_limit_per_user: c.forum.as_ref().map(|f| f.default_thread_rate_limit_per_user),
    }
}

/// A custom emoji object.
/// A relationship object: the other user and what they are to the holder.
pub fn relationship(other: &UserRecord, side: accord_store::Relationship) -> serde_json::Value {
    serde_json::json!({
        "id": other.id,
        "type": side.kind,
        "user": user(other),
        "nickname": null,
        "since": format_timestamp(side.since_ms),
        "is_spam_request": false,
    })
}

/// A DM or group DM as `viewer` sees it: the other recipients, of whom `users` has the records.
pub fn private_channel(p: &PrivateChannelRecord, viewer: Snowflake, users: &[UserRecord]) -> PrivateChannel {
    let group = p.channel.kind == accord_store::private_channels::GROUP_DM;
    PrivateChannel {
        id: p.channel.id,
        kind: p.channel.kind,
        last_message_id: p.channel.last_message_id,
        flags: 0,
        recipients: p.others(viewer).filter_map(|id| users.iter().find(|u| u.id == id)).map(user).collect(),
        name: group.then(|| Some(p.channel.name.clone()).filter(|n| !n.is_empty())),
        icon: group.then(|| p.icon.clone()),
        owner_id: p.owner_id,
    }
}

pub fn emoji(e: &accord_store::EmojiRecord) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "name": e.name,
        "roles": e.roles,
        "require_colons": true,
        "managed": false,
        "animated": e.animated,
        "available": e.available,
    })
}

/// A thread member object.
pub fn thread_member(m: &accord_store::ThreadMemberRecord) -> ThreadMember {
    ThreadMember {
        id: Some(m.thread_id),
        user_id: Some(m.user_id),
        join_timestamp: format_timestamp(m.joined_ms),
        flags: m.flags,
    }
}

pub fn guild(g: &GuildRecord, roles: &[RoleRecord]) -> Guild {
    Guild {
        id: g.id,
        name: g.name.clone(),
        icon: g.icon.clone(),
        icon_hash: g.icon.clone(),
        splash: None,
        discovery_splash: None,
        owner_id: g.owner_id,
        owner: None,
        permissions: None,
        afk_channel_id: g.afk_channel_id,
        afk_timeout: g.afk_timeout,
        widget_enabled: false,
        widget_channel_id: None,
        verification_level: g.verification_level,
        default_message_notifications: g.default_message_notifications,
        explicit_content_filter: g.explicit_content_filter,
        roles: roles.iter().map(role).collect(),
        emojis: Vec::new(),
        stickers: Vec::new(),
        features: Vec::new(),
        mfa_level: 0,
        application_id: None,
        system_channel_id: g.system_channel_id,
        system_channel_flags: 0,
        rules_channel_id: None,
        max_presences: None,
        max_members: 500_000,
        vanity_url_code: None,
        description: g.description.clone(),
        banner: None,
        premium_tier: 0,
        premium_subscription_count: 0,
        preferred_locale: g.preferred_locale.clone(),
        public_updates_channel_id: None,
        max_video_channel_users: 25,
        approximate_member_count: None,
        approximate_presence_count: None,
        nsfw: false,
        nsfw_level: 0,
        premium_progress_bar_enabled: false,
        safety_alerts_channel_id: None,
        incidents_data: None,
    }
}

/// A message. `users` must hold the author and every mentioned user; `reactions` are this
/// message's (others are skipped); attachment URLs start with `public_url`.
pub fn message(m: &MessageRecord, users: &[UserRecord], reactions: &[ReactionCount], public_url: &str) -> Message {
    let find = |id: Snowflake| users.iter().find(|u| u.id == id);
    let author = find(m.author_id).map_or_else(|| deleted_user(m.author_id), user);
    Message {
        id: m.id,
        channel_id: m.channel_id,
        guild_id: None,
        author,
        member: None,
        content: m.content.clone(),
        timestamp: format_timestamp(m.id.timestamp_ms()),
        edited_timestamp: m.edited_ms.map(format_timestamp),
        tts: m.tts,
        mention_everyone: m.mention_everyone,
        mentions: m
            .mention_user_ids
            .iter()
            .filter_map(|id| find(*id))
            .map(|u| Mention { user: user(u), member: None })
            .collect(),
        mention_roles: m.mention_role_ids.clone(),
        attachments: m.attachments.iter().map(|a| attachment(m.channel_id, a, public_url)).collect(),
        embeds: serde_json::from_str(&m.embeds).unwrap_or_default(),
        reactions: reactions.iter().filter(|r| r.message_id == m.id).map(reaction).collect(),
        nonce: m.nonce.clone(),
        pinned: m.pinned_ms.is_some(),
        kind: m.kind,
        flags: m.flags,
        components: Vec::new(),
        message_reference: m.reference.map(|r| MessageReference {
            kind: 0,
            message_id: r.message_id,
            channel_id: r.channel_id,
            guild_id: r.guild_id,
        }),
        referenced_message: None,
        thread: None,
    }
}

pub fn attachment(channel_id: Snowflake, a: &AttachmentRecord, public_url: &str) -> Attachment {
    let url = format!("{public_url}/attachments/{channel_id}/{}/{}", a.id, a.filename);
    Attachment {
        id: a.id,
        filename: a.filename.clone(),
        description: a.description.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        proxy_url: url.clone(),
        url,
        width: a.width,
        height: a.height,
    }
}

pub fn reaction(r: &ReactionCount) -> Reaction {
    Reaction {
        count: r.count,
        count_details: ReactionCountDetails { burst: 0, normal: r.count },
        me: r.me,
        me_burst: false,
        emoji: PartialEmoji { id: r.emoji.id, name: r.emoji.name.clone(), animated: r.emoji.animated },
        burst_colors: Vec::new(),
    }
}

/// Stands in for an author whose account no longer exists.
fn deleted_user(id: Snowflake) -> User {
    User {
        id,
        username: "Deleted User".into(),
        discriminator: "0",
        global_name: None,
        avatar: None,
        bot: false,
        system: false,
        banner: None,
        accent_color: None,
        public_flags: 0,
        avatar_decoration_data: None,
    }
}

pub fn invite(
    i: &InviteRecord,
    g: &GuildRecord,
    c: &ChannelRecord,
    inviter: Option<&UserRecord>,
    member_count: u64,
) -> Invite {
    Invite {
        kind: 0,
        code: i.code.clone(),
        guild_id: g.id,
        guild: InviteGuild {
            id: g.id,
            name: g.name.clone(),
            icon: g.icon.clone(),
            splash: None,
            banner: None,
            description: g.description.clone(),
            features: Vec::new(),
            verification_level: g.verification_level,
            nsfw_level: 0,
            vanity_url_code: None,
        },
        channel: InviteChannel { id: c.id, name: c.name.clone(), kind: c.kind },
        inviter: inviter.map(user),
        expires_at: (i.max_age > 0).then(|| format_timestamp(i.created_ms + u64::from(i.max_age) * 1000)),
        approximate_member_count: Some(member_count),
        approximate_presence_count: None,
        uses: i.uses,
        max_uses: i.max_uses,
        max_age: i.max_age,
        temporary: i.temporary,
        created_at: format_timestamp(i.created_ms),
    }
}

pub fn application(a: &ApplicationRecord, bot: &UserRecord, owner: &UserRecord) -> Application {
    Application {
        id: a.id,
        name: a.name.clone(),
        icon: a.icon.clone(),
        description: a.description.clone(),
        summary: String::new(),
        rpc_origins: Vec::new(),
        bot_public: a.bot_public,
        bot_require_code_grant: a.bot_require_code_grant,
        bot: user(bot),
        owner: user(owner),
        team: None,
        verify_key: format!("{:064x}", a.id.get()),
        flags: a.flags,
        tags: Vec::new(),
        approximate_guild_count: 0,
        redirect_uris: Vec::new(),
        interactions_endpoint_url: None,
        install_params: None,
        integration_types_config: serde_json::json!({}),
    }
}
