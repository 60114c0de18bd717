//! The check against REST history: after the run, every channel's messages are read back
//! page by page, and compared with what the POSTs acknowledged.

use std::collections::HashSet;

use accord_client::Client;
use anyhow::Context;

use crate::frame::writer_and_seq;
use crate::setup::ok;

/// Messages per page, Discord's maximum.
const PAGE: usize = 100;

/// One stored message of the run: (id, writer, sequence).
pub type Stored = (u64, usize, usize);

/// Reads every chat message of `channel`, newest first, in at most `max_pages` pages.
pub async fn read_channel(api: &Client, channel: &str, max_pages: usize) -> anyhow::Result<Vec<Stored>> {
    let mut stored = Vec::new();
    let mut before: Option<u64> = None;
    for _ in 0..max_pages {
        let query = before.map_or(String::new(), |b| format!("&before={b}"));
        let page = ok(api.get(&format!("/channels/{channel}/messages?limit={PAGE}{query}")).await?, "read history")?;
        let page = page.as_array().context("history is not a list")?;
        for message in page {
            let id = message["id"].as_str().and_then(|i| i.parse::<u64>().ok()).context("a message without id")?;
            before = Some(before.map_or(id, |b| b.min(id)));
            if let Some((writer, seq)) = message["content"].as_str().and_then(writer_and_seq) {
                stored.push((id, writer, seq));
            }
        }
        if page.len() < PAGE {
            return Ok(stored);
        }
    }
    anyhow::bail!("{channel}'s history has more than {max_pages} pages")
}

/// How history compares with the acknowledged messages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    /// Acknowledged messages missing from history.
    pub lost: u64,
    /// Messages stored whose POST was not acknowledged (the answer failed after the write).
    pub unacknowledged: u64,
    /// Messages stored more than once.
    pub duplicated: u64,
    /// Messages stored (by id order) before an earlier message of the same writer.
    pub reordered: u64,
}

/// Compares `stored` with `acked` (the ids the POSTs answered with).
pub fn compare(mut stored: Vec<Stored>, acked: &HashSet<u64>, writers: usize) -> Comparison {
    let mut comparison = Comparison::default();
    stored.sort_unstable();
    let mut seen = HashSet::with_capacity(stored.len());
    let mut last_seq = vec![None::<usize>; writers];
    for &(id, writer, seq) in &stored {
        if !seen.insert(id) {
            comparison.duplicated += 1;
            continue;
        }
        if !acked.contains(&id) {
            comparison.unacknowledged += 1;
        }
        if let Some(last) = last_seq.get_mut(writer) {
            if last.is_some_and(|l| seq <= l) {
                comparison.reordered += 1;
            }
            *last = Some(seq);
        }
    }
    comparison.lost = acked.iter().filter(|id| !seen.contains(id)).count() as u64;
    comparison
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_compared_with_the_acknowledged_ids() {
        let acked: HashSet<u64> = [10, 11, 12, 13].into();
        // 13 is lost, 14 was stored without an answer, 12 precedes writer 0's earlier message.
        let stored = vec![(10, 0, 0), (11, 1, 0), (12, 0, 2), (14, 0, 1)];
        let comparison = compare(stored, &acked, 2);
        assert_eq!(comparison, Comparison { lost: 1, unacknowledged: 1, duplicated: 0, reordered: 1 });
    }
}
