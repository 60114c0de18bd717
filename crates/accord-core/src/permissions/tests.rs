//! Unit tests and proptest properties of the permission algorithm against a small reference
//! model written straight from Discord's documented pseudo-code.

use super::*;
use proptest::prelude::*;

const GUILD: u64 = 1000;
const OWNER: u64 = 1;

/// The reference model: Discord's `compute_base_permissions` + `compute_overwrites`, literally.
fn oracle(roles: &[RoleView], member: &MemberView<'_>, overwrites: &[OverwriteView], class: ChannelClass) -> u64 {
    let all = Permissions::all().bits();
    if member.user_id == OWNER {
        return all;
    }
    let role = |id: u64| roles.iter().find(|r| r.id == id).map_or(0, |r| r.permissions.bits());
    let mut base = role(GUILD);
    for id in member.role_ids {
        base |= role(*id);
    }
    if base & Permissions::ADMINISTRATOR.bits() != 0 {
        return all;
    }
    let mut p = base;
    if let Some(o) = overwrites.iter().find(|o| o.id == GUILD && o.target == OverwriteTarget::Role) {
        p &= !o.deny.bits();
        p |= o.allow.bits();
    }
    let (mut a, mut d) = (0, 0);
    for o in overwrites.iter().filter(|o| o.target == OverwriteTarget::Role && member.role_ids.contains(&o.id)) {
        a |= o.allow.bits();
        d |= o.deny.bits();
    }
    p = (p & !d) | a;
    if let Some(o) = overwrites.iter().find(|o| o.id == member.user_id && o.target == OverwriteTarget::Member) {
        p = (p & !o.deny.bits()) | o.allow.bits();
    }
    if member.timed_out {
        p &= (Permissions::VIEW_CHANNEL | Permissions::READ_MESSAGE_HISTORY).bits();
    }
    if p & Permissions::VIEW_CHANNEL.bits() == 0 {
        return 0;
    }
    if p & Permissions::SEND_MESSAGES.bits() == 0 {
        p &= !Permissions::SEND_DEPENDENT.bits();
    }
    if class == ChannelClass::Voice && p & Permissions::CONNECT.bits() == 0 {
        p &= !Permissions::CONNECT_DEPENDENT.bits();
    }
    p
}

fn perms() -> impl Strategy<Value = Permissions> {
    // Bias towards the bits that interact: view, send, admin, connect and their dependents.
    let interesting = Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::ADMINISTRATOR
        | Permissions::CONNECT
        | Permissions::SPEAK
        | Permissions::MENTION_EVERYONE
        | Permissions::ATTACH_FILES
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::MANAGE_MESSAGES;
    (any::<u64>(), any::<u64>(), any::<bool>()).prop_map(move |(a, b, wide)| {
        let bits = if wide { a & b } else { a & interesting.bits() };
        Permissions::from_bits_truncate(bits)
    })
}

#[derive(Debug, Clone)]
struct Scenario {
    roles: Vec<RoleView>,
    member_roles: Vec<u64>,
    user: u64,
    timed_out: bool,
    overwrites: Vec<OverwriteView>,
    voice: bool,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let roles = prop::collection::vec((perms(), -3i64..5), 0..5);
    let ows = prop::collection::vec((0usize..7, any::<bool>(), perms(), perms()), 0..6);
    (perms(), roles, prop::collection::vec(0usize..5, 0..4), 1u64..4, any::<bool>(), ows, any::<bool>()).prop_map(
        |(everyone, roles, picks, user, timed_out, ows, voice)| {
            let mut all = vec![RoleView { id: GUILD, position: 0, permissions: everyone }];
            all.extend(roles.iter().enumerate().map(|(i, (p, pos))| RoleView {
                id: GUILD + 1 + i as u64,
                position: *pos,
                permissions: *p,
            }));
            let member_roles = picks.into_iter().filter(|i| *i < roles.len()).map(|i| GUILD + 1 + i as u64).collect();
            let overwrites = ows
                .into_iter()
                .map(|(t, member, allow, deny)| OverwriteView {
                    id: if member { t as u64 % 4 } else { GUILD + t as u64 },
                    target: if member { OverwriteTarget::Member } else { OverwriteTarget::Role },
                    allow,
                    deny,
                })
                .fold(Vec::<OverwriteView>::new(), |mut acc, o| {
                    if !acc.iter().any(|x| x.id == o.id && x.target == o.target) {
                        acc.push(o);
                    }
                    acc
                });
            Scenario { roles: all, member_roles, user, timed_out, overwrites, voice }
        },
    )
}

fn compute(s: &Scenario) -> Permissions {
    let guild = GuildView { guild_id: GUILD, owner_id: OWNER, roles: &s.roles };
    let member = MemberView { user_id: s.user, role_ids: &s.member_roles, timed_out: s.timed_out };
    let class = if s.voice { ChannelClass::Voice } else { ChannelClass::Text };
    channel_permissions(&guild, &member, &s.overwrites, class)
}

proptest! {
    #[test]
    fn matches_the_reference_model(s in scenario()) {
        let member = MemberView { user_id: s.user, role_ids: &s.member_roles, timed_out: s.timed_out };
        let class = if s.voice { ChannelClass::Voice } else { ChannelClass::Text };
        prop_assert_eq!(compute(&s).bits(), oracle(&s.roles, &member, &s.overwrites, class));
    }

    #[test]
    fn owner_has_everything(mut s in scenario()) {
        s.user = OWNER;
        prop_assert_eq!(compute(&s), Permissions::all());
    }

    #[test]
    fn administrator_has_everything_and_ignores_overwrites(mut s in scenario()) {
        s.roles[0].permissions |= Permissions::ADMINISTRATOR;
        for o in &mut s.overwrites { o.deny = Permissions::all(); }
        prop_assert_eq!(compute(&s), Permissions::all());
    }

    #[test]
    fn without_view_channel_nothing_is_effective(s in scenario()) {
        let p = compute(&s);
        prop_assert!(p.contains(Permissions::VIEW_CHANNEL) || p.is_empty());
    }

    #[test]
    fn without_send_messages_its_dependents_are_dropped(s in scenario()) {
        let p = compute(&s);
        if !p.contains(Permissions::SEND_MESSAGES) && p != Permissions::all() {
            prop_assert!(!p.intersects(Permissions::SEND_DEPENDENT));
        }
    }

    #[test]
    fn timed_out_members_only_view_and_read(mut s in scenario()) {
        s.timed_out = true;
        let p = compute(&s);
        if s.user != OWNER && p != Permissions::all() {
            prop_assert!((Permissions::VIEW_CHANNEL | Permissions::READ_MESSAGE_HISTORY).contains(p));
        }
    }

    #[test]
    fn role_positions_do_not_change_channel_permissions(s in scenario(), shift in -10i64..10) {
        let mut moved = s.clone();
        for r in &mut moved.roles { r.position = r.position.wrapping_mul(-1) + shift; }
        prop_assert_eq!(compute(&s), compute(&moved));
    }

    #[test]
    fn adding_a_member_allow_never_removes_a_permission(mut s in scenario(), extra in perms()) {
        let before = compute(&s);
        match s.overwrites.iter_mut().find(|o| o.id == s.user && o.target == OverwriteTarget::Member) {
            Some(o) => o.allow |= extra,
            None => s.overwrites.push(OverwriteView { id: s.user, target: OverwriteTarget::Member, allow: extra, deny: Permissions::empty() }),
        }
        let after = compute(&s);
        // Implicit rules may only add back bits once VIEW/SEND/CONNECT are granted.
        prop_assert!(after.contains(before), "before {:?} after {:?}", before, after);
    }

    #[test]
    fn adding_a_member_deny_never_adds_a_permission(mut s in scenario(), extra in perms()) {
        let before = compute(&s);
        match s.overwrites.iter_mut().find(|o| o.id == s.user && o.target == OverwriteTarget::Member) {
            Some(o) => { o.deny |= extra; o.allow -= extra; }
            None => s.overwrites.push(OverwriteView { id: s.user, target: OverwriteTarget::Member, allow: Permissions::empty(), deny: extra }),
        }
        prop_assert!(before.contains(compute(&s)));
    }
}

#[test]
fn a_role_allow_beats_another_roles_deny() {
    let roles = [
        RoleView { id: GUILD, position: 0, permissions: Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES },
        RoleView { id: 2000, position: 5, permissions: Permissions::empty() },
        RoleView { id: 2001, position: 1, permissions: Permissions::empty() },
    ];
    let overwrites = [
        OverwriteView {
            id: 2000,
            target: OverwriteTarget::Role,
            allow: Permissions::empty(),
            deny: Permissions::SEND_MESSAGES,
        },
        OverwriteView {
            id: 2001,
            target: OverwriteTarget::Role,
            allow: Permissions::SEND_MESSAGES,
            deny: Permissions::empty(),
        },
    ];
    let guild = GuildView { guild_id: GUILD, owner_id: OWNER, roles: &roles };
    let member = MemberView { user_id: 7, role_ids: &[2000, 2001], timed_out: false };
    assert!(channel_permissions(&guild, &member, &overwrites, ChannelClass::Text).contains(Permissions::SEND_MESSAGES));
}

#[test]
fn hierarchy_ranks_by_position_then_older_id() {
    let roles = [
        RoleView { id: GUILD, position: 0, permissions: Permissions::empty() },
        RoleView { id: 10, position: 2, permissions: Permissions::empty() },
        RoleView { id: 11, position: 2, permissions: Permissions::empty() },
        RoleView { id: 12, position: 1, permissions: Permissions::empty() },
    ];
    let guild = GuildView { guild_id: GUILD, owner_id: OWNER, roles: &roles };
    let senior = MemberView { user_id: 5, role_ids: &[10], timed_out: false };
    let junior = MemberView { user_id: 6, role_ids: &[11, 12], timed_out: false };
    let owner = MemberView { user_id: OWNER, role_ids: &[], timed_out: false };
    assert!(outranks(&guild, &senior, &junior));
    assert!(!outranks(&guild, &junior, &senior));
    assert!(!outranks(&guild, &senior, &senior));
    assert!(!outranks(&guild, &senior, &owner));
    assert!(can_manage_role(&guild, &senior, &roles[2]));
    assert!(!can_manage_role(&guild, &junior, &roles[2]));
    assert!(can_manage_role(&guild, &owner, &roles[1]));
}

#[test]
fn decimal_strings_round_trip_and_unknown_bits_are_rejected() {
    let p = Permissions::VIEW_CHANNEL | Permissions::BYPASS_SLOWMODE;
    let s = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<Permissions>(&s).unwrap(), p);
    assert!(Permissions::parse_decimal(&(1u64 << 47).to_string()).is_none());
    assert!(Permissions::parse_decimal("-1").is_none());
}
