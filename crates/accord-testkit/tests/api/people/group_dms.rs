//! Group DMs: creation with up to ten others, name and icon, the owner adding and removing
//! people, leaving (ownership passes on; the last one out deletes it), events per recipient.

use accord_testkit::uploads::{data_uri, png};
use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::{Value, json};

use super::ids;

/// `owner` and `n` others who share a guild with them.
async fn people(server: &TestServer, n: usize) -> (TestUser, Vec<TestUser>) {
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let mut others = Vec::new();
    for i in 0..n {
        others.push(server.member(&guild, &format!("friend{i}")).await);
    }
    (owner, others)
}

async fn create_group(owner: &TestUser, others: &[TestUser], name: Option<&str>) -> Value {
    let recipients: Vec<&str> = others.iter().map(|u| u.id.as_str()).collect();
    let answer =
        owner.api.post("/users/@me/channels", json!({ "recipients": recipients, "name": name })).await.unwrap();
    assert_eq!(answer.status, 200, "create group: {}", answer.text);
    answer.body
}

#[tokio::test]
async fn a_group_dm_holds_its_creator_and_up_to_ten_others() {
    let server = TestServer::spawn().await;
    let (owner, others) = people(&server, 11).await;

    let group = create_group(&owner, &others[..10], Some("the ten")).await;
    let too_many: Vec<&str> = others.iter().map(|u| u.id.as_str()).collect();
    let refused = owner.api.post("/users/@me/channels", json!({ "recipients": too_many })).await.unwrap();

    assert_eq!(group["type"], 3);
    assert_eq!(group["name"], "the ten");
    assert_eq!(group["owner_id"], owner.id.as_str());
    assert_eq!(group["recipients"].as_array().unwrap().len(), 10);
    assert_error(&refused, 400, 50035);
    let add_path = format!("/channels/{}/recipients/{}", group["id"].as_str().unwrap(), others[10].id);
    assert_error(&owner.api.put(&add_path, json!({})).await.unwrap(), 400, 50035);
    let seen_by = others[3].api.get("/users/@me/channels").await.unwrap();
    assert_eq!(ids(&seen_by.body), [group["id"].as_str().unwrap()]);
    assert!(!ids(&seen_by.body[0]["recipients"]).contains(&others[3].id), "recipients are the others");
}

#[tokio::test]
async fn members_rename_and_set_an_icon_and_everyone_hears_of_it() {
    let server = TestServer::spawn().await;
    let (owner, others) = people(&server, 2).await;
    let group = create_group(&owner, &others, None).await;
    let id = group["id"].as_str().unwrap();
    assert!(group["name"].is_null(), "unnamed: {group}");
    let mut events = server.events().await;

    let body = json!({ "name": "plans", "icon": data_uri("image/png", &png(4, 4)) });
    let renamed = others[0].api.patch(&format!("/channels/{id}"), body).await.unwrap();
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "plans");
    let icon = renamed.body["icon"].as_str().unwrap();
    let file = reqwest::get(format!("{}/channel-icons/{id}/{icon}.png", server.url())).await.unwrap();
    assert_eq!(file.status(), 200);
    let mut told = Vec::new();
    for _ in 0..3 {
        let update = events.expect("CHANNEL_UPDATE").await;
        assert_eq!(update.data["name"], "plans");
        told.extend(update.user_ids);
    }
    told.sort();
    let mut everyone = vec![owner.id.clone(), others[0].id.clone(), others[1].id.clone()];
    everyone.sort();
    assert_eq!(told, everyone);
    let guild_field = others[1].api.patch(&format!("/channels/{id}"), json!({ "topic": "x" })).await.unwrap();
    assert_error(&guild_field, 400, 50035);
}

#[tokio::test]
async fn only_the_owner_adds_and_removes_people() {
    let server = TestServer::spawn().await;
    let (owner, others) = people(&server, 3).await;
    let group = create_group(&owner, &others[..2], None).await;
    let id = group["id"].as_str().unwrap();
    let mut events = server.events().await;

    let by_member = others[0].api.put(&format!("/channels/{id}/recipients/{}", others[2].id), json!({})).await.unwrap();
    assert_error(&by_member, 403, 50013);
    let added = owner.api.put(&format!("/channels/{id}/recipients/{}", others[2].id), json!({})).await.unwrap();
    assert_eq!(added.status, 204, "{}", added.text);
    // The group's own CHANNEL_CREATEs may still be on their way: the newcomer's is the one with them.
    let created = loop {
        let created = events.expect("CHANNEL_CREATE").await;
        if created.user_ids.contains(&others[2].id) {
            break created;
        }
    };
    assert_eq!(created.user_ids, [others[2].id.clone()]);
    assert_eq!(created.data["recipients"].as_array().unwrap().len(), 3, "{}", created.data);
    let joined = events.expect("CHANNEL_RECIPIENT_ADD").await;
    assert_eq!(joined.data["user"]["id"], others[2].id.as_str());
    let history = others[2].api.get(&format!("/channels/{id}/messages")).await.unwrap();
    assert_eq!(history.status, 200);

    let removed = owner.api.delete(&format!("/channels/{id}/recipients/{}", others[0].id)).await.unwrap();
    assert_eq!(removed.status, 204);
    let gone = events.expect("CHANNEL_DELETE").await;
    assert_eq!(gone.user_ids, [others[0].id.clone()]);
    assert_error(&others[0].api.get(&format!("/channels/{id}/messages")).await.unwrap(), 404, 10003);
    let by_outsider = others[0].api.delete(&format!("/channels/{id}/recipients/{}", others[1].id)).await.unwrap();
    assert_error(&by_outsider, 404, 10003);
}

#[tokio::test]
async fn when_the_owner_leaves_the_group_passes_on_and_the_last_one_out_deletes_it() {
    let server = TestServer::spawn().await;
    let (owner, others) = people(&server, 2).await;
    let group = create_group(&owner, &others, None).await;
    let id = group["id"].as_str().unwrap();
    owner.say(id, "before I go").await;

    let left = owner.api.delete(&format!("/channels/{id}")).await.unwrap();
    assert_eq!(left.status, 200, "{}", left.text);
    let seen = others[1].api.get(&format!("/channels/{id}")).await.unwrap();
    assert_eq!(seen.body["owner_id"], others[0].id.as_str(), "the earliest remaining owns it");
    assert_eq!(ids(&seen.body["recipients"]), [others[0].id.clone()]);
    for user in &others {
        assert_eq!(user.api.delete(&format!("/channels/{id}")).await.unwrap().status, 200);
    }
    assert_error(&owner.api.get(&format!("/channels/{id}")).await.unwrap(), 404, 10003);
}
