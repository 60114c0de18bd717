//! Contract cases for [`GuildStore`](crate::GuildStore): creation with roles, channels and
//! owner; listing a user's guilds; settings; deletion with everything inside.

use super::fixtures::{
    channel, create_guild, create_users, event, id, invite, join, member, message, new_guild, numbers, overwrite,
    pending_names, role,
};
use crate::{ChannelRecord, GuildRecord, MemberRecord, Page, RoleRecord, Store};

pub async fn a_created_guild_has_its_roles_channels_and_owner(store: &dyn Store) {
    let mut new = new_guild(100, 1);
    new.roles.push(role(110, 100, 1));
    // A child listed before its category: creation must not depend on the order.
    new.channels = vec![
        ChannelRecord { parent_id: Some(id(102)), ..channel(101, 100, 0) },
        ChannelRecord { kind: 4, ..channel(102, 100, 0) },
    ];
    super::fixtures::create_users(store, &[1]).await;

    store.create_guild(&new, &[event(900, "GUILD_CREATE")]).await.expect("create");

    assert_eq!(store.guild(id(100)).await.expect("guild"), Some(new.guild.clone()));
    assert_eq!(store.guild_roles(id(100)).await.expect("roles"), new.roles);
    assert_eq!(store.guild_channels(id(100)).await.expect("channels"), new.channels);
    assert_eq!(store.member(id(100), id(1)).await.expect("owner"), Some(new.owner.clone()));
    assert_eq!(store.member_count(id(100)).await.expect("count"), 1);
    assert_eq!(store.guilds_of_user(id(1), None, 10).await.expect("guilds"), vec![new.guild]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn guilds_of_a_user_page_ascending_by_id(store: &dyn Store) {
    for guild_id in [300, 100, 200] {
        create_guild(store, guild_id, 1).await;
    }
    create_guild(store, 400, 2).await;
    store.add_member(&member(200, 2), &[]).await.expect("join");

    let ids = |guilds: Vec<GuildRecord>| numbers(guilds.into_iter().map(|g| g.id));
    assert_eq!(ids(store.guilds_of_user(id(1), None, 2).await.expect("first page")), [100, 200]);
    assert_eq!(ids(store.guilds_of_user(id(1), Some(id(200)), 2).await.expect("next page")), [300]);
    assert_eq!(ids(store.guilds_of_user(id(1), Some(id(300)), 2).await.expect("past the end")), [0u64; 0]);
    assert_eq!(ids(store.guilds_of_user(id(2), None, 10).await.expect("other user")), [200, 400]);
    assert_eq!(store.guilds_of_user(id(3), None, 10).await.expect("no guilds"), vec![]);
}

pub async fn updating_a_guild_replaces_its_settings(store: &dyn Store) {
    let new = create_guild(store, 100, 1).await;
    let updated = GuildRecord {
        name: "renamed".to_owned(),
        icon: Some("a".repeat(32)),
        description: Some("about".to_owned()),
        owner_id: id(2),
        verification_level: 2,
        default_message_notifications: 1,
        explicit_content_filter: 2,
        afk_channel_id: Some(id(101)),
        afk_timeout: 60,
        system_channel_id: Some(id(101)),
        preferred_locale: "fr".to_owned(),
        ..new.guild
    };

    store.update_guild(&updated, &[event(901, "GUILD_UPDATE")]).await.expect("update");

    assert_eq!(store.guild(id(100)).await.expect("read"), Some(updated));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_UPDATE"]);
}

pub async fn deleting_a_guild_removes_everything_in_it(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    join(store, 100, 2).await;
    store.create_role(&role(110, 100, 1), &[]).await.expect("role");
    store.create_channel(&channel(120, 100, 1), &[]).await.expect("channel");
    store.create_invite(&invite("abc", 100, 120, 1), &[]).await.expect("invite");
    store.create_message(&message(130, 120, 2), &[]).await.expect("message");

    assert!(store.delete_guild(id(100), &[event(902, "GUILD_DELETE")]).await.expect("delete"));

    assert_eq!(store.guild(id(100)).await.expect("guild"), None);
    assert_eq!(store.guild_roles(id(100)).await.expect("roles"), vec![]);
    assert_eq!(store.guild_channels(id(100)).await.expect("channels"), vec![]);
    assert_eq!(store.channel(id(120)).await.expect("channel"), None);
    assert_eq!(store.member(id(100), id(2)).await.expect("member"), None);
    assert_eq!(store.member_count(id(100)).await.expect("count"), 0);
    assert_eq!(store.invite("abc").await.expect("invite"), None);
    assert_eq!(store.message(id(120), id(130)).await.expect("message"), None);
    assert_eq!(store.messages(id(120), Page::Latest { limit: 10 }).await.expect("history"), vec![]);
    assert_eq!(numbers(store.guilds_of_user(id(1), None, 10).await.expect("guilds").into_iter().map(|g| g.id)), [200]);
    assert_eq!(store.guild_channels(id(200)).await.expect("other guild untouched").len(), 1);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_CREATE", "GUILD_DELETE"]);
}

pub async fn deleting_a_missing_guild_returns_false(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    assert!(store.delete_guild(id(100), &[]).await.expect("delete"));

    assert!(!store.delete_guild(id(100), &[event(903, "GUILD_DELETE")]).await.expect("delete again"));
    assert!(!store.delete_guild(id(999), &[event(904, "GUILD_DELETE")]).await.expect("delete unknown"));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn custom_emoji_belong_to_their_guild(store: &dyn Store) {
    use crate::EmojiRecord;
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    let party = EmojiRecord {
        id: id(501),
        guild_id: id(100),
        name: "party".into(),
        creator_id: Some(id(1)),
        animated: true,
        available: true,
        roles: vec![id(7), id(6)],
    };
    let wave = EmojiRecord { id: id(502), name: "wave".into(), animated: false, roles: vec![], ..party.clone() };
    store.create_emoji(&wave, &[]).await.unwrap();
    store.create_emoji(&party, &[event(900, "GUILD_EMOJIS_UPDATE")]).await.unwrap();

    assert_eq!(store.guild_emojis(id(100)).await.unwrap(), [party.clone(), wave.clone()]);
    assert_eq!(store.emoji(id(200), id(501)).await.unwrap(), None, "another guild's");
    let renamed = EmojiRecord { name: "fiesta".into(), roles: vec![], ..party.clone() };
    assert!(store.update_emoji(&renamed, &[event(901, "GUILD_EMOJIS_UPDATE")]).await.unwrap());
    assert!(
        !store.update_emoji(&EmojiRecord { guild_id: id(200), ..renamed.clone() }, &[event(902, "X")]).await.unwrap()
    );
    assert_eq!(store.emoji(id(100), id(501)).await.unwrap(), Some(renamed));
    assert!(!store.delete_emoji(id(200), id(501), &[event(903, "X")]).await.unwrap());
    assert!(store.delete_emoji(id(100), id(501), &[event(904, "GUILD_EMOJIS_UPDATE")]).await.unwrap());
    assert_eq!(store.guild_emojis(id(100)).await.unwrap(), [wave]);
    store.delete_guild(id(100), &[]).await.unwrap();
    assert_eq!(store.guild_emojis(id(100)).await.unwrap(), []);
    let names = pending_names(store).await;
    assert_eq!(names.iter().filter(|n| *n == "GUILD_EMOJIS_UPDATE").count(), 3);
    assert!(!names.contains(&"X".to_owned()));
}

pub async fn a_guild_standing_is_the_guild_its_roles_and_one_membership(store: &dyn Store) {
    let new = create_guild(store, 100, 1).await;
    let odd = RoleRecord {
        name: "mods \"and\" ünïcode".to_owned(),
        color: 0xffffff,
        hoist: true,
        permissions: u64::MAX,
        managed: true,
        mentionable: true,
        ..role(111, 100, 1)
    };
    for role in [role(113, 100, 2), odd, role(112, 100, 1)] {
        store.create_role(&role, &[]).await.expect("role");
    }
    let timed_out = MemberRecord {
        nick: Some("nick".to_owned()),
        roles: vec![id(113), id(111)],
        deaf: true,
        flags: 2,
        communication_disabled_until_ms: Some(u64::from(u32::MAX) * 1000),
        ..join(store, 100, 2).await
    };
    store.update_member(&timed_out, &[]).await.expect("update member");
    create_users(store, &[3]).await;

    let standing = store.guild_standing(id(100), id(2)).await.expect("read").expect("the guild exists");
    assert_eq!(standing.guild, new.guild);
    assert_eq!(standing.roles, store.guild_roles(id(100)).await.expect("roles"), "ordered by (position, id)");
    assert_eq!(numbers(standing.roles.iter().map(|r| r.id)), [100, 111, 112, 113]);
    assert_eq!(standing.member, Some(timed_out));

    let outsider = store.guild_standing(id(100), id(3)).await.expect("read").expect("the guild exists");
    assert_eq!((outsider.member, outsider.roles.len()), (None, 4));
    assert_eq!(store.guild_standing(id(999), id(2)).await.expect("read"), None);
}

pub async fn a_channel_standing_is_the_channel_and_its_guild_standing(store: &dyn Store) {
    let new = create_guild(store, 100, 1).await;
    let guild = GuildRecord {
        icon: Some("icon".to_owned()),
        description: Some("a \"quoted\" ünïcode guild".to_owned()),
        verification_level: 2,
        default_message_notifications: 1,
        explicit_content_filter: 2,
        afk_channel_id: Some(id(101)),
        afk_timeout: 3600,
        system_channel_id: Some(id(101)),
        preferred_locale: "pt-BR".to_owned(),
        ..new.guild
    };
    store.update_guild(&guild, &[]).await.expect("update guild");
    let overwritten = ChannelRecord {
        overwrites: vec![overwrite(100, 0, 0, 1024), overwrite(2, 1, 1024, 0)],
        ..channel(110, 100, 1)
    };
    store.create_channel(&overwritten, &[]).await.expect("channel");
    store.create_role(&role(111, 100, 1), &[]).await.expect("role");
    let member = MemberRecord { nick: Some("nick".to_owned()), roles: vec![id(111)], ..join(store, 100, 2).await };
    store.update_member(&member, &[]).await.expect("update member");
    create_users(store, &[3]).await;

    let read = store.channel_standing(id(110), id(2)).await.expect("read").expect("the channel exists");
    assert_eq!(read.channel, overwritten);
    assert_eq!(read.guild, store.guild_standing(id(100), id(2)).await.expect("read"));
    let standing = read.guild.expect("a guild channel");
    assert_eq!((standing.guild, standing.member), (guild, Some(member)));
    assert_eq!(numbers(standing.roles.iter().map(|r| r.id)), [100, 111]);

    let outsider = store.channel_standing(id(110), id(3)).await.expect("read").expect("the channel exists");
    assert_eq!(outsider.guild.map(|g| (g.member, g.roles.len())), Some((None, 2)));
    let dm = ChannelRecord { guild_id: None, kind: 1, name: String::new(), ..channel(200, 1, 0) };
    store.create_channel(&dm, &[]).await.expect("dm");
    let read = store.channel_standing(id(200), id(2)).await.expect("read").expect("the channel exists");
    assert_eq!((read.channel, read.guild), (dm, None));
    assert_eq!(store.channel_standing(id(999), id(2)).await.expect("read"), None);
}
