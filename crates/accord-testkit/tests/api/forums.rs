//! Forum settings on the channel routes (tags and the defaults for new posts), and threads
//! changed or deleted through `PATCH` and `DELETE /channels/{thread.id}`.

use accord_testkit::permissions::{MANAGE_THREADS, VIEW_CHANNEL};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::{Value, json};

/// The owner creates a forum with this body (name and type added); returns the answer's body.
async fn forum(guild: &TestGuild, settings: Value) -> Value {
    let mut body = json!({ "name": "forum", "type": 15 });
    body.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
    let answer = guild.owner.api.post(&format!("/guilds/{}/channels", guild.id), body).await.unwrap();
    assert_eq!(answer.status, 201, "create forum: {}", answer.text);
    answer.body
}

/// `user` starts a public thread in `channel`; returns its id.
async fn thread(user: &TestUser, channel: &str) -> String {
    let answer =
        user.api.post(&format!("/channels/{channel}/threads"), json!({ "name": "t", "type": 11 })).await.unwrap();
    assert_eq!(answer.status, 201, "start thread: {}", answer.text);
    answer.id()
}

fn tag_names(channel: &Value) -> Vec<&str> {
    channel["available_tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_forum_is_created_with_its_tags_and_defaults() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let created = forum(
        &guild,
        json!({
            "available_tags": [
                { "name": "bug" },
                { "name": "staff", "moderated": true, "emoji_name": "🛠️" },
            ],
            "default_sort_order": 1,
            "default_forum_layout": 2,
            "default_reaction_emoji": { "emoji_id": null, "emoji_name": "👍" },
            "default_thread_rate_limit_per_user": 30,
        }),
    )
    .await;

    let tags = created["available_tags"].as_array().unwrap();
    assert_eq!(tag_names(&created), ["bug", "staff"]);
    assert!(tags.iter().all(|t| t["id"].as_str().is_some_and(|id| id.parse::<u64>().is_ok())), "{created}");
    assert_ne!(tags[0]["id"], tags[1]["id"]);
    assert_eq!(tags[0]["moderated"], false);
    assert_eq!(tags[0]["emoji_name"], Value::Null);
    assert_eq!(tags[1]["moderated"], true);
    assert_eq!(tags[1]["emoji_name"], "🛠️");
    assert_eq!(created["default_sort_order"], 1);
    assert_eq!(created["default_forum_layout"], 2);
    assert_eq!(created["default_reaction_emoji"], json!({ "emoji_id": null, "emoji_name": "👍" }));
    assert_eq!(created["default_thread_rate_limit_per_user"], 30);
    let read = guild.owner.api.get(&format!("/channels/{}", created["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body, created);
}

#[tokio::test]
async fn a_new_forum_has_discords_defaults() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let created = forum(&guild, json!({})).await;

    assert_eq!(created["available_tags"], json!([]));
    assert_eq!(created["default_sort_order"], Value::Null);
    assert_eq!(created["default_forum_layout"], 0);
    assert_eq!(created["default_reaction_emoji"], Value::Null);
    assert_eq!(created["default_thread_rate_limit_per_user"], 0);
}

#[tokio::test]
async fn modified_tags_keep_known_ids_and_new_ones_get_fresh_ids() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let created = forum(&guild, json!({ "available_tags": [{ "name": "bug" }, { "name": "idea" }] })).await;
    let id = created["id"].as_str().unwrap();
    let bug = created["available_tags"][0]["id"].as_str().unwrap();
    let mut events = server.events().await;

    let body = json!({
        "available_tags": [
            { "id": bug, "name": "defect" },
            { "name": "question" },
            { "id": "12345", "name": "stray" },
        ],
        "default_sort_order": null,
        "default_reaction_emoji": { "emoji_id": "4242", "emoji_name": null },
    });
    let answer = guild.owner.api.patch(&format!("/channels/{id}"), body).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let tags = answer.body["available_tags"].as_array().unwrap();
    assert_eq!(tag_names(&answer.body), ["defect", "question", "stray"]);
    assert_eq!(tags[0]["id"], bug);
    let old_ids = [bug, created["available_tags"][1]["id"].as_str().unwrap(), "12345"];
    assert!(tags[1..].iter().all(|t| !old_ids.contains(&t["id"].as_str().unwrap())), "{}", answer.text);
    assert_eq!(answer.body["default_sort_order"], Value::Null);
    assert_eq!(answer.body["default_reaction_emoji"], json!({ "emoji_id": "4242", "emoji_name": null }));
    let update = events.expect("CHANNEL_UPDATE").await;
    assert_eq!(update.data["available_tags"], answer.body["available_tags"]);
}

#[tokio::test]
async fn bad_forum_settings_are_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let created = forum(&guild, json!({ "available_tags": [{ "name": "bug" }] })).await;
    let path = format!("/channels/{}", created["id"].as_str().unwrap());
    let too_many: Vec<Value> = (0..21).map(|i| json!({ "name": format!("tag {i}") })).collect();

    let bad_bodies = [
        json!({ "available_tags": too_many }),
        json!({ "available_tags": [{ "name": "x".repeat(21) }] }),
        json!({ "available_tags": [{ "name": "" }] }),
        json!({ "available_tags": [{ "name": "both", "emoji_id": "1", "emoji_name": "👍" }] }),
        json!({ "default_sort_order": 5 }),
        json!({ "default_forum_layout": 3 }),
        json!({ "default_thread_rate_limit_per_user": 21_601 }),
        json!({ "default_reaction_emoji": { "emoji_id": null, "emoji_name": null } }),
        json!({ "default_reaction_emoji": { "emoji_id": "1", "emoji_name": "👍" } }),
        json!({ "default_reaction_emoji": { "emoji_name": "" } }),
    ];
    for body in bad_bodies {
        let answer = guild.owner.api.patch(&path, body.clone()).await.unwrap();

        assert_error(&answer, 400, 50035);
        assert!(answer.text.contains(body.as_object().unwrap().keys().next().unwrap()), "{body}: {}", answer.text);
    }
    for body in [json!({ "available_tags": "bug" }), json!({ "default_forum_layout": "list" })] {
        let answer = guild.owner.api.patch(&path, body).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
    let read = guild.owner.api.get(&path).await.unwrap();
    assert_eq!(read.body, created, "nothing changed");
    let twenty: Vec<Value> = (0..20).map(|i| json!({ "name": format!("tag {i}") })).collect();
    let answer = guild.owner.api.patch(&path, json!({ "available_tags": twenty })).await.unwrap();
    assert_eq!(answer.status, 200, "twenty tags are allowed: {}", answer.text);
}

#[tokio::test]
async fn forum_fields_on_other_channels_are_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let create = format!("/guilds/{}/channels", guild.id);

    let created = guild.owner.api.post(&create, json!({ "name": "t", "available_tags": [] })).await.unwrap();
    let modified =
        guild.owner.api.patch(&format!("/channels/{}", guild.text), json!({ "default_sort_order": 0 })).await.unwrap();
    let voice = guild
        .owner
        .api
        .patch(&format!("/channels/{}", guild.voice), json!({ "default_thread_rate_limit_per_user": 5 }))
        .await
        .unwrap();

    assert_error(&created, 400, 50035);
    assert_error(&modified, 400, 50035);
    assert_error(&voice, 400, 50035);
    let channels = guild.owner.api.get(&create).await.unwrap();
    assert_eq!(channels.body.as_array().unwrap().len(), 2, "nothing was created: {}", channels.text);
}

#[tokio::test]
async fn a_thread_reads_with_its_metadata() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = thread(&bob, &guild.text).await;

    let read = guild.owner.api.get(&format!("/channels/{id}")).await.unwrap();

    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["type"], 11);
    assert_eq!(read.body["parent_id"], guild.text.as_str());
    assert_eq!(read.body["owner_id"], bob.id.as_str());
    let metadata = &read.body["thread_metadata"];
    assert_eq!(metadata["archived"], false, "{}", read.text);
    assert_eq!(metadata["locked"], false);
    assert_eq!(metadata["auto_archive_duration"], 1440);
    assert!(metadata["archive_timestamp"].is_string(), "{}", read.text);
}

#[tokio::test]
async fn the_thread_owner_renames_and_archives_it() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");
    let before = bob.api.get(&path).await.unwrap().body["thread_metadata"]["archive_timestamp"].clone();
    let mut events = server.events().await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    let renamed = bob.api.patch(&path, json!({ "name": "renamed", "auto_archive_duration": 60 })).await.unwrap();
    let update = events.expect("THREAD_UPDATE").await;
    let archived = bob.api.patch(&path, json!({ "archived": true })).await.unwrap();
    let archive_update = events.expect("THREAD_UPDATE").await;

    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "renamed");
    assert_eq!(renamed.body["thread_metadata"]["auto_archive_duration"], 60);
    assert_eq!(renamed.body["thread_metadata"]["archive_timestamp"], before, "renaming is not archiving");
    assert_eq!(update.data["name"], "renamed");
    assert_eq!(update.channel_id.as_deref(), Some(guild.text.as_str()), "gated by the parent");
    assert_eq!(archived.status, 200, "{}", archived.text);
    assert_eq!(archived.body["thread_metadata"]["archived"], true);
    assert_ne!(archived.body["thread_metadata"]["archive_timestamp"], before);
    assert_eq!(archive_update.data["thread_metadata"]["archived"], true);
    let read = guild.owner.api.get(&path).await.unwrap();
    assert_eq!(read.body["thread_metadata"]["archived"], true, "{}", read.text);
}

#[tokio::test]
async fn a_plain_member_cannot_change_someone_elses_thread() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");

    let renamed = carol.api.patch(&path, json!({ "name": "mine now" })).await.unwrap();
    let archived = carol.api.patch(&path, json!({ "archived": true })).await.unwrap();

    assert_error(&renamed, 403, 50013);
    assert_error(&archived, 403, 50013);
    assert_eq!(bob.api.get(&path).await.unwrap().body["name"], "t");
}

#[tokio::test]
async fn only_manage_threads_locks_a_thread() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let moderator = server.member_with(&guild, "moderator", MANAGE_THREADS).await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");

    let by_owner = bob.api.patch(&path, json!({ "locked": true })).await.unwrap();
    let slowmode_by_owner = bob.api.patch(&path, json!({ "rate_limit_per_user": 10 })).await.unwrap();
    let by_moderator = moderator.api.patch(&path, json!({ "locked": true, "rate_limit_per_user": 10 })).await.unwrap();
    let rename_locked = bob.api.patch(&path, json!({ "name": "still mine?" })).await.unwrap();

    assert_error(&by_owner, 403, 50013);
    assert_error(&slowmode_by_owner, 403, 50013);
    assert_eq!(by_moderator.status, 200, "{}", by_moderator.text);
    assert_eq!(by_moderator.body["thread_metadata"]["locked"], true);
    assert_eq!(by_moderator.body["rate_limit_per_user"], 10);
    assert_error(&rename_locked, 403, 50013);
}

#[tokio::test]
async fn the_owner_cannot_unarchive_a_locked_thread() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let moderator = server.member_with(&guild, "moderator", MANAGE_THREADS).await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");
    let closed = moderator.api.patch(&path, json!({ "archived": true, "locked": true })).await.unwrap();
    assert_eq!(closed.status, 200, "{}", closed.text);

    let by_owner = bob.api.patch(&path, json!({ "archived": false })).await.unwrap();
    let by_moderator = moderator.api.patch(&path, json!({ "archived": false })).await.unwrap();

    assert_error(&by_owner, 403, 50013);
    assert_eq!(by_moderator.status, 200, "{}", by_moderator.text);
    assert_eq!(by_moderator.body["thread_metadata"]["archived"], false);
    assert_eq!(by_moderator.body["thread_metadata"]["locked"], true);
}

#[tokio::test]
async fn an_archived_thread_changes_only_when_unarchived() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");
    let archived = bob.api.patch(&path, json!({ "archived": true })).await.unwrap();
    assert_eq!(archived.status, 200, "{}", archived.text);

    let renamed = bob.api.patch(&path, json!({ "name": "renamed" })).await.unwrap();
    let unarchived = carol.api.patch(&path, json!({ "archived": false })).await.unwrap();

    assert_error(&renamed, 400, 50083);
    assert_eq!(unarchived.status, 200, "whoever may send in it unarchives it: {}", unarchived.text);
    assert_eq!(unarchived.body["thread_metadata"]["archived"], false);
}

#[tokio::test]
async fn bad_thread_fields_are_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");

    let bad_bodies = [
        json!({ "auto_archive_duration": 30 }),
        json!({ "name": "" }),
        json!({ "name": "x".repeat(101) }),
        json!({ "invitable": false }),
        json!({ "applied_tags": [] }),
        json!({ "topic": "threads have none" }),
    ];
    for body in bad_bodies {
        let answer = bob.api.patch(&path, body.clone()).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
    let on_text =
        guild.owner.api.patch(&format!("/channels/{}", guild.text), json!({ "archived": true })).await.unwrap();
    assert_error(&on_text, 400, 50035);
    let accepted = bob.api.patch(&path, json!({ "auto_archive_duration": 10080 })).await.unwrap();
    assert_eq!(accepted.body["thread_metadata"]["auto_archive_duration"], 10080, "{}", accepted.text);
}

#[tokio::test]
async fn a_post_owner_sets_tags_but_moderated_ones_need_manage_threads() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let moderator = server.member_with(&guild, "moderator", MANAGE_THREADS).await;
    let created =
        forum(&guild, json!({ "available_tags": [{ "name": "bug" }, { "name": "staff", "moderated": true }] })).await;
    let tags = &created["available_tags"];
    let (bug, staff) = (tags[0]["id"].as_str().unwrap(), tags[1]["id"].as_str().unwrap());
    let body = json!({ "name": "post", "message": { "content": "hello" } });
    let post = bob.api.post(&format!("/channels/{}/threads", created["id"].as_str().unwrap()), body).await.unwrap();
    assert_eq!(post.status, 201, "{}", post.text);
    let path = format!("/channels/{}", post.id());

    let plain = bob.api.patch(&path, json!({ "applied_tags": [bug, bug] })).await.unwrap();
    let moderated = bob.api.patch(&path, json!({ "applied_tags": [bug, staff] })).await.unwrap();
    let unknown = bob.api.patch(&path, json!({ "applied_tags": [guild.text] })).await.unwrap();
    let by_moderator = moderator.api.patch(&path, json!({ "applied_tags": [staff] })).await.unwrap();
    let removing = bob.api.patch(&path, json!({ "applied_tags": [] })).await.unwrap();

    assert_eq!(plain.status, 200, "{}", plain.text);
    assert_eq!(plain.body["applied_tags"], json!([bug]));
    assert_error(&moderated, 403, 50013);
    assert_error(&unknown, 400, 50035);
    assert_eq!(by_moderator.body["applied_tags"], json!([staff]), "{}", by_moderator.text);
    assert_error(&removing, 403, 50013);
}

#[tokio::test]
async fn deleting_a_thread_needs_manage_threads() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let moderator = server.member_with(&guild, "moderator", MANAGE_THREADS).await;
    let id = thread(&bob, &guild.text).await;
    let path = format!("/channels/{id}");
    let mut events = server.events().await;

    let by_owner = bob.api.delete(&path).await.unwrap();
    let by_moderator = moderator.api.delete(&path).await.unwrap();
    let deleted = events.expect("THREAD_DELETE").await;
    let read = bob.api.get(&path).await.unwrap();

    assert_error(&by_owner, 403, 50013);
    assert_eq!(by_moderator.status, 200, "{}", by_moderator.text);
    assert_eq!(by_moderator.body["id"], id.as_str());
    assert_eq!(by_moderator.body["thread_metadata"]["archived"], false);
    assert_eq!(
        deleted.data,
        json!({ "id": id, "guild_id": guild.id, "parent_id": guild.text, "type": 11 }),
        "THREAD_DELETE names the thread and its parent"
    );
    assert_eq!(deleted.channel_id.as_deref(), Some(guild.text.as_str()));
    assert_error(&read, 404, 10003);
}

#[tokio::test]
async fn a_private_thread_is_deleted_for_its_members_only() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let body = json!({ "name": "secret", "type": 12 });
    let private = bob.api.post(&format!("/channels/{}/threads", guild.text), body).await.unwrap();
    assert_eq!(private.status, 201, "{}", private.text);
    let path = format!("/channels/{}", private.id());
    let outsider = server.member_with(&guild, "outsider", VIEW_CHANNEL).await;
    let mut events = server.events().await;

    let hidden = outsider.api.delete(&path).await.unwrap();
    let invitable = bob.api.patch(&path, json!({ "invitable": false })).await.unwrap();
    let deleted = guild.owner.api.delete(&path).await.unwrap();
    let event = events.expect("THREAD_DELETE").await;

    assert_error(&hidden, 404, 10003);
    assert_error(&invitable, 403, 50013);
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(event.guild_id, None, "not broadcast to the guild");
    assert_eq!(event.user_ids, [bob.id.as_str()]);
}
