//! The fan-out property: for random role and overwrite states of four members on one
//! channel, the sessions that receive a MESSAGE_CREATE there are exactly the users whom
//! `GET /channels/{id}/messages` lets read it. The gateway decides from its cached guild
//! state, kept current by events; REST decides from the store; they must agree.

use std::collections::BTreeSet;

use accord_testkit::permissions::{ADMINISTRATOR, READ_MESSAGE_HISTORY, SEND_MESSAGES, VIEW_CHANNEL};
use accord_testkit::{TestGuild, TestServer, TestUser};
use proptest::prelude::*;
use serde_json::json;

use super::{MESSAGES, message_contents, session, until_message};

const MEMBERS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overwrite {
    Absent,
    Allow,
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    Nothing,
    View,
    Administrator,
}

impl Grant {
    fn bits(self) -> u64 {
        match self {
            Self::Nothing => 0,
            Self::View => VIEW_CHANNEL,
            Self::Administrator => ADMINISTRATOR,
        }
    }
}

/// One guild state: what @everyone and two roles grant guild-wide, who holds which role,
/// and the channel's overwrites for @everyone, each role and each member.
#[derive(Debug, Clone)]
struct State {
    everyone_views: bool,
    grants: [Grant; 2],
    holds: [[bool; 2]; MEMBERS],
    on_everyone: Overwrite,
    on_roles: [Overwrite; 2],
    on_members: [Overwrite; MEMBERS],
    /// Whether the state is in place before the sessions identify (loaded) or applied after
    /// (followed through events).
    before_identify: bool,
}

fn overwrite() -> impl Strategy<Value = Overwrite> {
    prop_oneof![Just(Overwrite::Absent), Just(Overwrite::Allow), Just(Overwrite::Deny)]
}

fn grant() -> impl Strategy<Value = Grant> {
    prop_oneof![3 => Just(Grant::Nothing), 3 => Just(Grant::View), 1 => Just(Grant::Administrator)]
}

fn states() -> impl Strategy<Value = State> {
    let roles =
        (any::<bool>(), prop::array::uniform2(grant()), prop::array::uniform4(prop::array::uniform2(any::<bool>())));
    let overwrites =
        (overwrite(), prop::array::uniform2(overwrite()), prop::array::uniform4(overwrite()), any::<bool>());
    (roles, overwrites).prop_map(|((everyone_views, grants, holds), (on_everyone, on_roles, on_members, before))| {
        State { everyone_views, grants, holds, on_everyone, on_roles, on_members, before_identify: before }
    })
}

/// The owner puts `state` in place on `channel`.
async fn apply(state: &State, guild: &TestGuild, roles: &[String; 2], members: &[TestUser], channel: &str) {
    let owner = &guild.owner;
    let base = SEND_MESSAGES | READ_MESSAGE_HISTORY;
    let set_permissions = |role: String, bits: u64| async move {
        let path = format!("/guilds/{}/roles/{role}", guild.id);
        let answer = owner.api.patch(&path, json!({ "permissions": bits.to_string() })).await.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.text);
    };
    set_permissions(guild.id.clone(), base | if state.everyone_views { VIEW_CHANNEL } else { 0 }).await;
    for (role, grant) in roles.iter().zip(state.grants) {
        set_permissions(role.clone(), grant.bits()).await;
    }
    for (member, holds) in members.iter().zip(state.holds) {
        for (role, held) in roles.iter().zip(holds) {
            if held {
                guild.assign(member, role).await;
            }
        }
    }
    let targets = std::iter::once((guild.id.as_str(), 0, state.on_everyone))
        .chain(roles.iter().map(String::as_str).zip(state.on_roles).map(|(id, o)| (id, 0, o)))
        .chain(members.iter().map(|m| m.id.as_str()).zip(state.on_members).map(|(id, o)| (id, 1, o)));
    for (target, kind, overwrite) in targets {
        match overwrite {
            Overwrite::Absent => {}
            Overwrite::Allow => guild.overwrite(channel, target, kind, VIEW_CHANNEL, 0).await,
            Overwrite::Deny => guild.overwrite(channel, target, kind, 0, VIEW_CHANNEL).await,
        }
    }
}

/// Who received the probe message over the gateway, and who may read the channel over REST.
async fn receivers_and_readers(state: State) -> (BTreeSet<String>, BTreeSet<String>) {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let mut members = Vec::new();
    for n in 0..MEMBERS {
        members.push(server.member(&guild, &format!("member{n}")).await);
    }
    let roles = [guild.role("first", 0).await, guild.role("second", 0).await];
    let channel = guild.channel("target").await;
    let control = guild.channel("control").await;
    guild.overwrite(&control, &guild.id, 0, VIEW_CHANNEL, 0).await;
    let users: Vec<&TestUser> = std::iter::once(&owner).chain(&members).collect();

    if state.before_identify {
        apply(&state, &guild, &roles, &members, &channel).await;
    }
    let mut sessions = Vec::new();
    for user in &users {
        sessions.push(session(&server, user, MESSAGES).await.0);
    }
    if !state.before_identify {
        apply(&state, &guild, &roles, &members, &channel).await;
    }
    owner.say(&channel, "probe").await;
    owner.say(&control, "sentinel").await;

    let mut receivers = BTreeSet::new();
    let mut readers = BTreeSet::new();
    for (user, gw) in users.iter().zip(&mut sessions) {
        let before = until_message(gw, "sentinel").await;
        if message_contents(&before).iter().any(|c| c == "probe") {
            receivers.insert(user.id.clone());
        }
        let read = user.api.get(&format!("/channels/{channel}/messages")).await.unwrap();
        assert!(matches!(read.status, 200 | 404), "{}", read.text);
        if read.status == 200 {
            readers.insert(user.id.clone());
        }
    }
    assert!(readers.contains(&owner.id), "the owner always reads");
    (receivers, readers)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_sessions_receiving_a_message_are_exactly_the_users_who_may_read_the_channel(state in states()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

        let (receivers, readers) = runtime.block_on(receivers_and_readers(state));

        prop_assert_eq!(receivers, readers);
    }
}
