//! Checks through REST that a channel holds what its writers were told was accepted: the
//! whole history paged and compared id for id when it is small enough, or else its newest and
//! oldest pages and a sample of single messages (which does not prove the count).

use accord_client::Client;
use anyhow::Context;
use rand::{Rng, SeedableRng};

use crate::setup::ok;

/// Accepted ids looked up one by one when the history is too long to page through.
const SAMPLES: usize = 200;

/// What was checked and what it found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// `full` (every message paged) or `sampled`.
    pub method: &'static str,
    pub ok: bool,
    /// Messages the checks read.
    pub checked: u64,
    /// What was checked, and what differed.
    pub detail: String,
}

/// Checks `channel` against `ids` (sorted): every page when there are at most `full_max`.
pub async fn history(api: &Client, channel: &str, ids: &[u64], full_max: u64) -> anyhow::Result<Verified> {
    if ids.len() as u64 <= full_max { full(api, channel, ids).await } else { sampled(api, channel, ids).await }
}

/// `GET /channels/{channel}/messages?{query}`: the page's ids, in the order given.
async fn page(api: &Client, channel: &str, query: &str) -> anyhow::Result<Vec<u64>> {
    let body = ok(api.get(&format!("/channels/{channel}/messages?{query}")).await?, "history page")?;
    let messages = body.as_array().context("a history page that is not a list")?;
    messages.iter().map(|m| m["id"].as_str().and_then(|id| id.parse().ok()).context("a message without id")).collect()
}

/// Pages from the newest message back, 100 at a time, and compares every id.
async fn full(api: &Client, channel: &str, ids: &[u64]) -> anyhow::Result<Verified> {
    let mut found = Vec::with_capacity(ids.len());
    let mut before: Option<u64> = None;
    // Bounded: enough pages for every accepted message, and a few more to notice extra ones.
    for _ in 0..ids.len() / 100 + 10 {
        let query = before.map_or_else(|| "limit=100".to_owned(), |id| format!("limit=100&before={id}"));
        let page = page(api, channel, &query).await?;
        before = page.iter().min().copied();
        let last = page.len() < 100;
        found.extend(page);
        if last {
            break;
        }
    }
    found.sort_unstable();
    let (missing, extra) = difference(ids, &found);
    let ok = missing == 0 && extra == 0 && found.len() == ids.len();
    let detail = if ok {
        format!("paged the whole channel, 100 at a time: its {} messages are exactly the accepted ones", found.len())
    } else {
        format!(
            "paged {} messages for {} accepted: {missing} accepted ones missing, {extra} others",
            found.len(),
            ids.len()
        )
    };
    Ok(Verified { method: "full", ok, checked: found.len() as u64, detail })
}

/// Compares the newest and oldest pages with the accepted ids, and finds a sample of them one
/// by one (`before = id + 1`, `limit = 1`).
async fn sampled(api: &Client, channel: &str, ids: &[u64]) -> anyhow::Result<Verified> {
    let (Some(&oldest), Some(_)) = (ids.first(), ids.last()) else {
        return Ok(Verified { method: "sampled", ok: true, checked: 0, detail: "nothing accepted".into() });
    };
    let mut newest = page(api, channel, "limit=100").await?;
    newest.sort_unstable();
    let newest_ok = newest == ids[ids.len().saturating_sub(100)..];
    let mut oldest_page = page(api, channel, &format!("limit=100&after={}", oldest.saturating_sub(1))).await?;
    oldest_page.sort_unstable();
    let oldest_ok = oldest_page == ids[..ids.len().min(100)];
    let mut rng = rand::rngs::SmallRng::seed_from_u64(ids.len() as u64);
    let mut found = 0;
    for _ in 0..SAMPLES {
        let id = ids[rng.random_range(0..ids.len())];
        if page(api, channel, &format!("limit=1&before={}", id + 1)).await? == [id] {
            found += 1;
        }
    }
    let ok = newest_ok && oldest_ok && found == SAMPLES;
    let detail = format!(
        "newest page {}, oldest page {}, {found} of {SAMPLES} sampled accepted messages found; the count was not checked",
        if newest_ok { "matches" } else { "differs" },
        if oldest_ok { "matches" } else { "differs" },
    );
    Ok(Verified { method: "sampled", ok, checked: (newest.len() + oldest_page.len() + SAMPLES) as u64, detail })
}

/// Ids of sorted `expected` missing from sorted `found`, and ids of `found` not expected.
fn difference(expected: &[u64], found: &[u64]) -> (u64, u64) {
    let (mut i, mut j, mut missing, mut extra) = (0, 0, 0, 0);
    while i < expected.len() || j < found.len() {
        match (expected.get(i), found.get(j)) {
            (Some(a), Some(b)) if a == b => (i, j) = (i + 1, j + 1),
            (Some(a), Some(b)) if a < b => (i, missing) = (i + 1, missing + 1),
            (Some(_), None) => (i, missing) = (i + 1, missing + 1),
            _ => (j, extra) = (j + 1, extra + 1),
        }
    }
    (missing, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_count_missing_and_extra_ids() {
        assert_eq!(difference(&[1, 2, 3], &[1, 2, 3]), (0, 0));
        assert_eq!(difference(&[1, 2, 3, 5], &[2, 3, 4]), (2, 1));
        assert_eq!(difference(&[], &[7, 7]), (0, 2));
        assert_eq!(difference(&[7], &[7, 7]), (0, 1), "a repeated message counts as extra");
    }
}
