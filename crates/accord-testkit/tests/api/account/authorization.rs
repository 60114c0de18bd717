//! The authorization matrix of the routes about a user and one's own account: another user's
//! object, profile and presence; one's settings and presence; and the auth service's account
//! routes (email verification, password, sessions, two-factor, deletion). Seven kinds of
//! caller, each answer's status checked against a table, every cell reported before failing.
//!
//! Bodies that would change an account for good (a password that works, TOTP turned on, the
//! account deleted) carry a wrong password instead, so every cell meets the same world.

use accord_client::Client;
use accord_testkit::{TestGuild, TestServer, TestUser};
use reqwest::Method;
use serde_json::Value;

use super::{SECRET, second_session, session_id, user_with_email};
use crate::people::befriend;

/// The callers, in the order of each row's statuses: the user the routes are about (`{target}`),
/// their friend (no guild in common), someone in a guild with them, someone who shares
/// nothing with them, a bot in that guild, a bot there whose application has the presence
/// intent (GATEWAY_PRESENCE), and nobody.
const ACTORS: [&str; 7] = ["self", "friend", "guild-mate", "stranger", "bot", "presence bot", "anonymous"];

/// The application flag granting the privileged GUILD_PRESENCES intent.
const GATEWAY_PRESENCE: u64 = 1 << 12;

/// A wrong current password, where the right one would change the account for good.
const WRONG: &str = "not the password at all";

/// `(method, path, body, statuses)`. Placeholders: `{target}` the self actor's id, `{s}` a
/// fresh session of theirs (another login), `{password}` the actors' password, `{wrong}` a
/// wrong one, `{secret}` a TOTP secret.
const ROUTES: &[(&str, &str, &str, [u16; 7])] = &[
    ("GET", "/users/{target}", "", [200, 200, 200, 200, 200, 200, 401]),
    // Bots never had Discord's profile route; a profile's bio and friends are for people.
    ("GET", "/users/{target}/profile", "", [200, 200, 200, 404, 403, 403, 401]),
    // Presence: for the user, friends and guild-mates; for bots only with the privileged intent.
    ("GET", "/presence/{target}", "", [200, 200, 200, 404, 403, 200, 401]),
    ("POST", "/presence/update", r#"{"status":"idle"}"#, [200, 200, 200, 200, 200, 200, 401]),
    ("GET", "/users/@me/settings", "", [200, 200, 200, 200, 403, 403, 401]),
    ("PATCH", "/users/@me/settings", r#"{"theme":"light"}"#, [200, 200, 200, 200, 403, 403, 401]),
    ("POST", "/auth/verify-email/send", "", [204, 204, 204, 204, 403, 403, 401]),
    // The same password again: a real change that leaves the world as it was.
    (
        "POST",
        "/auth/password",
        r#"{"password":"{password}","new_password":"{password}"}"#,
        [204, 204, 204, 204, 403, 403, 401],
    ),
    (
        "POST",
        "/auth/password",
        r#"{"password":"{wrong}","new_password":"{password}"}"#,
        [400, 400, 400, 400, 403, 403, 401],
    ),
    ("GET", "/auth/sessions", "", [200, 200, 200, 200, 403, 403, 401]),
    ("DELETE", "/auth/sessions/{s}", "", [204, 404, 404, 404, 403, 403, 401]),
    (
        "POST",
        "/auth/mfa/totp/enable",
        r#"{"password":"{wrong}","secret":"{secret}","code":"000000"}"#,
        [400, 400, 400, 400, 403, 403, 401],
    ),
    // No one here has TOTP on.
    ("POST", "/auth/mfa/totp/disable", r#"{"code":"000000"}"#, [400, 400, 400, 400, 403, 403, 401]),
    ("POST", "/auth/delete-account", r#"{"password":"{wrong}"}"#, [400, 400, 400, 400, 403, 403, 401]),
];

struct World {
    server: TestServer,
    /// The self actor (`alice`), whom the user routes are about.
    target: TestUser,
    clients: [Client; 7],
}

impl World {
    async fn new() -> Self {
        let server = TestServer::spawn().await;
        let host = user_with_email(&server, "host").await;
        let guild: TestGuild = server.guild(&host).await;
        let target = user_with_email(&server, "alice").await;
        let friend = user_with_email(&server, "friend").await;
        let mate = user_with_email(&server, "mate").await;
        let stranger = user_with_email(&server, "stranger").await;
        guild.join(&target).await;
        guild.join(&mate).await;
        befriend(&target, &friend).await;
        let bot = server.bot(&host, "plain bot").await;
        let presence_bot = server.bot_with_flags(&host, "presence bot", GATEWAY_PRESENCE).await;
        guild.add_bot(&bot).await;
        guild.add_bot(&presence_bot).await;
        let clients = [
            target.api.clone(),
            friend.api.clone(),
            mate.api.clone(),
            stranger.api.clone(),
            bot.api.clone(),
            presence_bot.api.clone(),
            server.client(),
        ];
        Self { server, target, clients }
    }

    /// The template with its placeholders replaced (`{s}` by a fresh login of the target's).
    async fn fill(&self, template: &str) -> String {
        let mut filled = template
            .replace("{target}", &self.target.id)
            .replace("{password}", TestUser::PASSWORD)
            .replace("{wrong}", WRONG)
            .replace("{secret}", SECRET);
        if filled.contains("{s}") {
            let other = second_session(&self.server, "alice").await;
            filled = filled.replace("{s}", &session_id(&other).await);
        }
        filled
    }
}

#[tokio::test]
async fn user_presence_settings_and_account_routes_answer_each_kind_of_caller_as_the_table_says() {
    let world = World::new().await;
    let mut failures = Vec::new();

    for (method, path, template, expect) in ROUTES {
        // Least privileged first, so a success that changes something comes last.
        for (actor, client) in world.clients.iter().enumerate().rev() {
            let filled_path = world.fill(path).await;
            let filled_body = world.fill(template).await;
            let body: Option<Value> = (!filled_body.is_empty()).then(|| serde_json::from_str(&filled_body).unwrap());
            let method_ = Method::from_bytes(method.as_bytes()).unwrap();
            let answer = client.send(method_, &filled_path, body).await.unwrap();
            let cell = format!("{method} {path} {template} as {}", ACTORS[actor]);
            if answer.status != expect[actor] {
                failures.push(format!("{cell}: expected {}, got {} {}", expect[actor], answer.status, answer.text));
            } else if expect[actor] >= 400 && !answer.body["code"].is_u64() {
                failures.push(format!("{cell}: error without a JSON code: {}", answer.text));
            }
        }
    }

    let cells = ROUTES.len() * ACTORS.len();
    assert!(failures.is_empty(), "{} of {cells} cells failed:\n{}", failures.len(), failures.join("\n"));
}
