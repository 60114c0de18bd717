//! `GET /users/search?q=&limit=` (seed 004's user search): users whose username or display
//! name starts with `q`, among those the caller may find: people who share a guild with them,
//! their friends, and those who made themselves discoverable. Nobody who blocks the caller,
//! and no deleted accounts.

use std::collections::HashMap;

use accord_api::user::User;
use accord_core::Snowflake;
use accord_service::extract::Query;
use accord_service::settings::documents_of;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::UserRecord;
use accord_store::relationships::kind::{BLOCKED, FRIEND};
use axum::extract::State;
use serde::Deserialize;

/// Candidates read per page, and how many are looked at in all before answering with fewer.
const PAGE: u32 = 200;
const MAX_SCANNED: usize = 2000;
/// The name deleted accounts are renamed to starts so.
const DELETED_PREFIX: &str = "deleted_user_";

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: String,
    #[serde(default)]
    limit: Option<u32>,
}

pub async fn search(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Query(query): Query<SearchQuery>,
) -> ApiResult<axum::Json<Vec<User>>> {
    let q = query.q.trim();
    if q.is_empty() || q.chars().count() > 32 {
        return Err(ApiError::invalid_field("q", "BASE_TYPE_BAD", "Give 1 to 32 characters."));
    }
    let limit = query.limit.unwrap_or(10);
    if !(1..=25).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "NUMBER_TYPE_MAX", "Must be between 1 and 25."));
    }
    let store = ctx.store.as_ref();
    let relationships: HashMap<Snowflake, u8> =
        store.relationships(caller.user_id).await?.into_iter().map(|r| (r.other_id, r.side.kind)).collect();
    let (mut found, mut after, mut scanned) = (Vec::new(), None, 0);
    while found.len() < limit as usize && scanned < MAX_SCANNED {
        let page = store.search_users(q, after, PAGE).await?;
        scanned += page.len();
        after = page.last().map(|u| u.id);
        let candidates: Vec<UserRecord> =
            page.iter().filter(|u| !u.username.starts_with(DELETED_PREFIX)).cloned().collect();
        let ids: Vec<Snowflake> = candidates.iter().map(|u| u.id).collect();
        let documents = documents_of(store, &ids).await?;
        for user in candidates {
            if found.len() == limit as usize {
                break;
            }
            let findable = user.id == caller.user_id
                || relationships.get(&user.id) == Some(&FRIEND)
                || documents.get(&user.id).is_some_and(|d| d.settings.discoverable)
                || !store.shared_guilds(caller.user_id, user.id).await?.is_empty();
            let blocks_caller = store.relationship_pair(user.id, caller.user_id).await?.mine_is(BLOCKED);
            if findable && !blocks_caller && relationships.get(&user.id) != Some(&BLOCKED) {
                found.push(render::user(&user));
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    Ok(axum::Json(found))
}
