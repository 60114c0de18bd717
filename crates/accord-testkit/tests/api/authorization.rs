//! The authorization matrix: every guild, channel, role, member, invite, message, reaction,
//! pin, read-mark, search, thread, emoji, ban and audit-log route, called by eight kinds of
//! caller, each answer's status checked against a table. A failing cell is reported by route
//! and actor; all cells run before the test fails.
//!
//! Targets a route changes (a channel, message, role, member, bot, invite or ban) are made fresh
//! for every cell, so one actor's success never changes what the next one meets. The channel
//! is always made with a member overwrite denying VIEW_CHANNEL to the `denied` actor.

use std::cell::Cell;

use accord_client::Client;
use accord_testkit::permissions::{
    ADMINISTRATOR, BAN_MEMBERS, KICK_MEMBERS, MANAGE_CHANNELS, MANAGE_GUILD, MANAGE_GUILD_EXPRESSIONS, MANAGE_MESSAGES,
    MANAGE_NICKNAMES, MANAGE_ROLES, MANAGE_THREADS, VIEW_AUDIT_LOG, VIEW_CHANNEL,
};
use accord_testkit::{TestGuild, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

/// The callers, in the order of [`Route::expect`].
const ACTORS: [&str; 8] = ["owner", "admin", "permitted", "plain", "denied", "non-member", "bot", "anonymous"];

/// One row of the matrix. Placeholders in `path` and `body`: `{g}` the guild, `{owner}` its
/// owner, `{denied}` the denied actor; fresh per cell: `{c}` a text channel, `{m}` a message
/// of the owner's in it, `{code}` an invite to it, `{r}` a role, `{u}` a plain member, `{b}` a
/// bot that is not a member, `{banned}` a user (never a member) the owner has banned.
struct Route {
    method: &'static str,
    path: &'static str,
    /// A JSON template; empty for no body.
    body: &'static str,
    /// What the `permitted` actor's role grants (beyond @everyone).
    needs: u64,
    /// Statuses for owner, admin (ADMINISTRATOR), permitted, plain member, denied (member
    /// denied VIEW_CHANNEL on `{c}`), non-member, bot member, anonymous.
    expect: [u16; 8],
}

const fn route(method: &'static str, path: &'static str, body: &'static str, needs: u64, expect: [u16; 8]) -> Route {
    Route { method, path, body, needs, expect }
}

const GUILD_ROUTES: &[Route] = &[
    route("GET", "/guilds/{g}", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("PATCH", "/guilds/{g}", r#"{"name":"Renamed"}"#, MANAGE_GUILD, [200, 200, 200, 403, 403, 404, 403, 401]),
    route("GET", "/users/@me/guilds", "", 0, [200, 200, 200, 200, 200, 200, 200, 401]),
    route("GET", "/guilds/{g}/channels", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route(
        "POST",
        "/guilds/{g}/channels",
        r#"{"name":"new"}"#,
        MANAGE_CHANNELS,
        [201, 201, 201, 403, 403, 404, 403, 401],
    ),
    route("GET", "/guilds/{g}/roles", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("GET", "/guilds/{g}/roles/{r}", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("POST", "/guilds/{g}/roles", r#"{"name":"r"}"#, MANAGE_ROLES, [200, 200, 200, 403, 403, 404, 403, 401]),
    route("PATCH", "/guilds/{g}/roles/{r}", r#"{"name":"x"}"#, MANAGE_ROLES, [200, 200, 200, 403, 403, 404, 403, 401]),
    route(
        "PATCH",
        "/guilds/{g}/roles",
        r#"[{"id":"{r}","position":1}]"#,
        MANAGE_ROLES,
        [200, 200, 200, 403, 403, 404, 403, 401],
    ),
    route("DELETE", "/guilds/{g}/roles/{r}", "", MANAGE_ROLES, [204, 204, 204, 403, 403, 404, 403, 401]),
    route("GET", "/guilds/{g}/invites", "", MANAGE_GUILD, [200, 200, 200, 403, 403, 404, 403, 401]),
    // Presences are what the privileged GUILD_PRESENCES intent guards: a bot without the grant
    // gets none over the gateway, so none over REST either.
    route("GET", "/presence/guild/{g}", "", 0, [200, 200, 200, 200, 200, 404, 403, 401]),
];

const MEMBER_ROUTES: &[Route] = &[
    route("GET", "/guilds/{g}/members?limit=10", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("GET", "/guilds/{g}/members/{owner}", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("PATCH", "/guilds/{g}/members/@me", r#"{"nick":"me"}"#, 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route(
        "PATCH",
        "/guilds/{g}/members/{u}",
        r#"{"nick":"them"}"#,
        MANAGE_NICKNAMES,
        [200, 200, 200, 403, 403, 404, 403, 401],
    ),
    route(
        "PATCH",
        "/guilds/{g}/members/{u}",
        r#"{"roles":["{r}"]}"#,
        MANAGE_ROLES,
        [200, 200, 200, 403, 403, 404, 403, 401],
    ),
    route("PUT", "/guilds/{g}/members/{u}/roles/{r}", "{}", MANAGE_ROLES, [204, 204, 204, 403, 403, 404, 403, 401]),
    route("DELETE", "/guilds/{g}/members/{u}/roles/{r}", "", MANAGE_ROLES, [204, 204, 204, 403, 403, 404, 403, 401]),
    route("DELETE", "/guilds/{g}/members/{u}", "", KICK_MEMBERS, [204, 204, 204, 403, 403, 404, 403, 401]),
    route("PUT", "/guilds/{g}/members/{b}", "{}", MANAGE_GUILD, [201, 201, 201, 403, 403, 404, 403, 401]),
];

const CHANNEL_ROUTES: &[Route] = &[
    route("GET", "/channels/{c}", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("PATCH", "/channels/{c}", r#"{"name":"renamed"}"#, MANAGE_CHANNELS, [200, 200, 200, 403, 404, 404, 403, 401]),
    route("DELETE", "/channels/{c}", "", MANAGE_CHANNELS, [200, 200, 200, 403, 404, 404, 403, 401]),
    route(
        "PUT",
        "/channels/{c}/permissions/{g}",
        r#"{"type":0,"allow":"0","deny":"2048"}"#,
        MANAGE_ROLES,
        [204, 204, 204, 403, 404, 404, 403, 401],
    ),
    route("DELETE", "/channels/{c}/permissions/{denied}", "", MANAGE_ROLES, [204, 204, 204, 403, 404, 404, 403, 401]),
    route("POST", "/channels/{c}/invites", "{}", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("GET", "/channels/{c}/invites", "", MANAGE_CHANNELS, [200, 200, 200, 403, 404, 404, 403, 401]),
    route("GET", "/invites/{code}", "", 0, [200, 200, 200, 200, 200, 200, 200, 200]),
    route("DELETE", "/invites/{code}", "", MANAGE_GUILD, [200, 200, 200, 403, 403, 404, 403, 401]),
];

const MESSAGE_ROUTES: &[Route] = &[
    route("GET", "/channels/{c}/messages", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("POST", "/channels/{c}/messages", r#"{"content":"hi"}"#, 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("GET", "/channels/{c}/messages/{m}", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route(
        "PATCH",
        "/channels/{c}/messages/{m}",
        r#"{"content":"edited"}"#,
        0,
        [200, 403, 403, 403, 404, 404, 403, 401],
    ),
    route("DELETE", "/channels/{c}/messages/{m}", "", MANAGE_MESSAGES, [204, 204, 204, 403, 404, 404, 403, 401]),
    route("POST", "/channels/{c}/typing", "", 0, [204, 204, 204, 204, 404, 404, 204, 401]),
];

/// The messaging issue's routes; `%F0%9F%91%8D` is 👍.
const MESSAGING_ROUTES: &[Route] = &[
    route(
        "PUT",
        "/channels/{c}/messages/{m}/reactions/%F0%9F%91%8D/@me",
        "{}",
        0,
        [204, 204, 204, 204, 404, 404, 204, 401],
    ),
    route(
        "DELETE",
        "/channels/{c}/messages/{m}/reactions/%F0%9F%91%8D/@me",
        "",
        0,
        [204, 204, 204, 204, 404, 404, 204, 401],
    ),
    route("GET", "/channels/{c}/messages/{m}/reactions/%F0%9F%91%8D", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route(
        "DELETE",
        "/channels/{c}/messages/{m}/reactions/%F0%9F%91%8D/{owner}",
        "",
        MANAGE_MESSAGES,
        [204, 204, 204, 403, 404, 404, 403, 401],
    ),
    route(
        "DELETE",
        "/channels/{c}/messages/{m}/reactions/%F0%9F%91%8D",
        "",
        MANAGE_MESSAGES,
        [204, 204, 204, 403, 404, 404, 403, 401],
    ),
    route(
        "DELETE",
        "/channels/{c}/messages/{m}/reactions",
        "",
        MANAGE_MESSAGES,
        [204, 204, 204, 403, 404, 404, 403, 401],
    ),
    route("GET", "/channels/{c}/pins", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("PUT", "/channels/{c}/pins/{m}", "{}", MANAGE_MESSAGES, [204, 204, 204, 403, 404, 404, 403, 401]),
    route("DELETE", "/channels/{c}/pins/{m}", "", MANAGE_MESSAGES, [204, 204, 204, 403, 404, 404, 403, 401]),
    route("GET", "/channels/{c}/messages/{m}/history", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("POST", "/channels/{c}/messages/{m}/ack", "{}", 0, [200, 200, 200, 200, 404, 404, 403, 401]),
    // One distinct id is too few: the permitted get past the permission check to the count's 400.
    route(
        "POST",
        "/channels/{c}/messages/bulk-delete",
        r#"{"messages":["{m}","{m}"]}"#,
        MANAGE_MESSAGES,
        [400, 400, 400, 403, 404, 404, 403, 401],
    ),
    route("GET", "/channels/{c}/messages/search?content=hi", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("GET", "/guilds/{g}/messages/search?content=hi", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    // Read receipts exist only in DMs and group DMs: a guild channel one sees is the wrong type.
    route("GET", "/channels/{c}/read-receipts", "", 0, [400, 400, 400, 400, 404, 404, 400, 401]),
];

/// Thread routes; `{t}` is a public thread of the owner's in `{c}`.
const THREAD_ROUTES: &[Route] = &[
    route("POST", "/channels/{c}/threads", r#"{"name":"x","type":11}"#, 0, [201, 201, 201, 201, 404, 404, 201, 401]),
    route("POST", "/channels/{c}/messages/{m}/threads", r#"{"name":"x"}"#, 0, [201, 201, 201, 201, 404, 404, 201, 401]),
    route("GET", "/channels/{t}", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("PATCH", "/channels/{t}", r#"{"locked":true}"#, MANAGE_THREADS, [200, 200, 200, 403, 404, 404, 403, 401]),
    route("DELETE", "/channels/{t}", "", MANAGE_THREADS, [200, 200, 200, 403, 404, 404, 403, 401]),
    route("POST", "/channels/{t}/messages", r#"{"content":"hi"}"#, 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("PUT", "/channels/{t}/thread-members/@me", "{}", 0, [204, 204, 204, 204, 404, 404, 204, 401]),
    route("GET", "/channels/{t}/thread-members", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route(
        "DELETE",
        "/channels/{t}/thread-members/{owner}",
        "",
        MANAGE_THREADS,
        [204, 204, 204, 403, 404, 404, 403, 401],
    ),
    route("GET", "/guilds/{g}/threads/active", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("GET", "/channels/{c}/threads/archived/public", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route(
        "GET",
        "/channels/{c}/threads/archived/private",
        "",
        MANAGE_THREADS,
        [200, 200, 200, 403, 404, 404, 403, 401],
    ),
    route("GET", "/channels/{c}/users/@me/threads/archived/private", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("GET", "/channels/{c}/threads/search", "", 0, [200, 200, 200, 200, 404, 404, 200, 401]),
    route("PUT", "/channels/{t}/thread-members/{u}", "{}", 0, [204, 204, 204, 204, 404, 404, 204, 401]),
];

/// Custom emoji routes; `{e}` is an emoji of the owner's. The image is a 1x1 PNG header.
const EMOJI_ROUTES: &[Route] = &[
    route("GET", "/guilds/{g}/emojis", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route("GET", "/guilds/{g}/emojis/{e}", "", 0, [200, 200, 200, 200, 200, 404, 200, 401]),
    route(
        "POST",
        "/guilds/{g}/emojis",
        r#"{"name":"new_one","image":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAAAAAAAAAAAElFTkSuQmCC"}"#,
        0,
        [201, 201, 201, 201, 201, 404, 201, 401],
    ),
    route(
        "PATCH",
        "/guilds/{g}/emojis/{e}",
        r#"{"name":"renamed"}"#,
        MANAGE_GUILD_EXPRESSIONS,
        [200, 200, 200, 403, 403, 404, 403, 401],
    ),
    route("DELETE", "/guilds/{g}/emojis/{e}", "", MANAGE_GUILD_EXPRESSIONS, [204, 204, 204, 403, 403, 404, 403, 401]),
];

/// Bans and the audit log. No one bans the guild's owner, the owner included.
const MODERATION_ROUTES: &[Route] = &[
    route(
        "PUT",
        "/guilds/{g}/bans/{u}",
        r#"{"delete_message_seconds":60}"#,
        BAN_MEMBERS,
        [204, 204, 204, 403, 403, 404, 403, 401],
    ),
    route("PUT", "/guilds/{g}/bans/{banned}", "{}", BAN_MEMBERS, [204, 204, 204, 403, 403, 404, 403, 401]),
    route("PUT", "/guilds/{g}/bans/{owner}", "{}", BAN_MEMBERS, [403, 403, 403, 403, 403, 404, 403, 401]),
    route("GET", "/guilds/{g}/bans", "", BAN_MEMBERS, [200, 200, 200, 403, 403, 404, 403, 401]),
    route("GET", "/guilds/{g}/bans/{banned}", "", BAN_MEMBERS, [200, 200, 200, 403, 403, 404, 403, 401]),
    route("GET", "/guilds/{g}/bans/{u}", "", BAN_MEMBERS, [404, 404, 404, 403, 403, 404, 403, 401]),
    route("DELETE", "/guilds/{g}/bans/{banned}", "", BAN_MEMBERS, [204, 204, 204, 403, 403, 404, 403, 401]),
    route(
        "POST",
        "/guilds/{g}/bulk-ban",
        r#"{"user_ids":["{u}","{banned}"]}"#,
        BAN_MEMBERS | MANAGE_GUILD,
        [200, 200, 200, 403, 403, 404, 403, 401],
    ),
    // BAN_MEMBERS alone is not enough for a bulk ban.
    route(
        "POST",
        "/guilds/{g}/bulk-ban",
        r#"{"user_ids":["{u}"]}"#,
        BAN_MEMBERS,
        [200, 200, 403, 403, 403, 404, 403, 401],
    ),
    route("GET", "/guilds/{g}/audit-logs", "", VIEW_AUDIT_LOG, [200, 200, 200, 403, 403, 404, 403, 401]),
];

/// Routes that change the actors themselves (membership, the guild): each runs in a world of its own.
const LEAVE: Route = route("DELETE", "/users/@me/guilds/{g}", "", 0, [400, 204, 204, 204, 204, 404, 204, 401]);
const ACCEPT_INVITE: Route = route("POST", "/invites/{code}", "{}", 0, [200, 200, 200, 200, 200, 200, 403, 401]);
const DELETE_GUILD: Route = route("DELETE", "/guilds/{g}", "", 0, [204, 403, 403, 403, 403, 404, 403, 401]);

/// A guild with one caller of each kind but `permitted`, who is made per route.
struct World {
    server: TestServer,
    guild: TestGuild,
    admin: TestUser,
    plain: TestUser,
    denied: TestUser,
    non_member: TestUser,
    bot: TestUser,
    /// Numbers fresh usernames and bot names.
    serial: Cell<usize>,
}

impl World {
    async fn new() -> Self {
        let server = TestServer::spawn().await;
        let guild = server.guild(&server.user("owner").await).await;
        let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;
        let plain = server.member(&guild, "plain").await;
        let denied = server.member(&guild, "denied").await;
        let non_member = server.user("stranger").await;
        let bot = server.bot(&guild.owner, "member bot").await;
        guild.add_bot(&bot).await;
        Self { server, guild, admin, plain, denied, non_member, bot, serial: Cell::new(0) }
    }

    fn fresh_name(&self, prefix: &str) -> String {
        self.serial.set(self.serial.get() + 1);
        format!("{prefix}{}", self.serial.get())
    }

    /// Replaces the placeholders of `template`, making fresh targets as they are needed.
    async fn fill(&self, template: &str, targets: &mut Vec<(&'static str, String)>) -> String {
        let owner = &self.guild.owner;
        let wants = |key: &str| template.contains(key);
        let has = |targets: &[(&str, String)], key: &str| targets.iter().any(|(k, _)| *k == key);
        if (wants("{c}") || wants("{m}") || wants("{code}") || wants("{t}")) && !has(targets, "{c}") {
            let overwrite = json!([{ "id": self.denied.id, "type": 1, "deny": VIEW_CHANNEL.to_string() }]);
            let body = json!({ "name": "target", "permission_overwrites": overwrite });
            let channel = owner.api.post(&format!("/guilds/{}/channels", self.guild.id), body).await.unwrap();
            assert_eq!(channel.status, 201, "fresh channel: {}", channel.text);
            targets.push(("{c}", channel.id()));
        }
        let channel = targets.iter().find(|(k, _)| *k == "{c}").map(|(_, v)| v.clone());
        if wants("{m}") && !has(targets, "{m}") {
            targets.push(("{m}", owner.say(channel.as_deref().unwrap(), "target").await));
        }
        if wants("{t}") && !has(targets, "{t}") {
            let path = format!("/channels/{}/threads", channel.as_deref().unwrap());
            let thread = owner.api.post(&path, json!({ "name": "target", "type": 11 })).await.unwrap();
            assert_eq!(thread.status, 201, "fresh thread: {}", thread.text);
            targets.push(("{t}", thread.id()));
        }
        if wants("{e}") && !has(targets, "{e}") {
            targets.push(("{e}", self.guild.emoji("target").await));
        }
        if wants("{code}") && !has(targets, "{code}") {
            let path = format!("/channels/{}/invites", channel.as_deref().unwrap());
            let invite = owner.api.post(&path, json!({})).await.unwrap();
            targets.push(("{code}", invite.body["code"].as_str().expect("fresh invite").to_owned()));
        }
        if wants("{r}") && !has(targets, "{r}") {
            targets.push(("{r}", self.guild.role("target", 0).await));
        }
        if wants("{u}") && !has(targets, "{u}") {
            targets.push(("{u}", self.server.member(&self.guild, &self.fresh_name("victim")).await.id));
        }
        if wants("{b}") && !has(targets, "{b}") {
            targets.push(("{b}", self.server.bot(owner, &self.fresh_name("bot")).await.id));
        }
        if wants("{banned}") && !has(targets, "{banned}") {
            let user = self.server.user(&self.fresh_name("banned")).await;
            let ban = owner.api.put(&format!("/guilds/{}/bans/{}", self.guild.id, user.id), json!({})).await.unwrap();
            assert_eq!(ban.status, 204, "fresh ban: {}", ban.text);
            targets.push(("{banned}", user.id));
        }
        let mut filled = template.replace("{g}", &self.guild.id).replace("{owner}", &owner.id);
        filled = filled.replace("{denied}", &self.denied.id);
        for (key, value) in targets.iter() {
            filled = filled.replace(key, value);
        }
        filled
    }

    /// Calls every route as every actor; returns one line per cell whose status differs.
    async fn run(&self, routes: &[Route]) -> Vec<String> {
        let mut failures = Vec::new();
        for route in routes {
            let permitted = self.server.member_with(&self.guild, &self.fresh_name("permitted"), route.needs).await;
            let clients: [Client; 8] = [
                self.guild.owner.api.clone(),
                self.admin.api.clone(),
                permitted.api.clone(),
                self.plain.api.clone(),
                self.denied.api.clone(),
                self.non_member.api.clone(),
                self.bot.api.clone(),
                self.server.client(),
            ];
            // Least privileged first, so a destructive success comes last.
            for actor in (0..ACTORS.len()).rev() {
                let mut targets = Vec::new();
                let path = self.fill(route.path, &mut targets).await;
                let body = self.fill(route.body, &mut targets).await;
                let body: Option<Value> = (!body.is_empty()).then(|| serde_json::from_str(&body).expect("body JSON"));
                let method = Method::from_bytes(route.method.as_bytes()).expect("method");
                let answer = clients[actor].send(method, &path, body).await.expect("request");
                let expected = route.expect[actor];
                let cell = format!("{} {} as {}", route.method, route.path, ACTORS[actor]);
                if answer.status != expected {
                    failures.push(format!("{cell}: expected {expected}, got {} {}", answer.status, answer.text));
                } else if expected >= 400 && !answer.body["code"].is_u64() {
                    failures.push(format!("{cell}: error without a JSON code: {}", answer.text));
                }
            }
        }
        failures
    }
}

/// Runs `routes` in a fresh world and fails with every mismatching cell.
async fn check(routes: &[Route]) {
    let world = World::new().await;

    let failures = world.run(routes).await;

    assert!(failures.is_empty(), "{} of {} cells failed:\n{}", failures.len(), routes.len() * 8, failures.join("\n"));
}

#[tokio::test]
async fn guild_and_role_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(GUILD_ROUTES).await;
}

#[tokio::test]
async fn member_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(MEMBER_ROUTES).await;
}

#[tokio::test]
async fn channel_overwrite_and_invite_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(CHANNEL_ROUTES).await;
}

#[tokio::test]
async fn message_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(MESSAGE_ROUTES).await;
}

#[tokio::test]
async fn reaction_pin_read_mark_and_search_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(MESSAGING_ROUTES).await;
}

#[tokio::test]
async fn thread_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(THREAD_ROUTES).await;
}

#[tokio::test]
async fn emoji_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(EMOJI_ROUTES).await;
}

#[tokio::test]
async fn ban_and_audit_log_routes_answer_each_kind_of_caller_as_the_table_says() {
    check(MODERATION_ROUTES).await;
}

#[tokio::test]
async fn leaving_answers_each_kind_of_caller_as_the_table_says() {
    check(&[LEAVE]).await;
}

#[tokio::test]
async fn accepting_an_invite_answers_each_kind_of_caller_as_the_table_says() {
    check(&[ACCEPT_INVITE]).await;
}

#[tokio::test]
async fn deleting_a_guild_answers_each_kind_of_caller_as_the_table_says() {
    check(&[DELETE_GUILD]).await;
}
