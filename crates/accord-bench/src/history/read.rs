//! The read phase of `history`: R readers, each with one request in flight, ask for a page of
//! messages before a random seeded message (or the newest page), check the status and count
//! the bytes; every `--sample-every`th page of a reader is parsed and compared with the seeded
//! ids. Readers use raw HTTP, so the client spends no CPU parsing the other pages.
//!
//! [`read_at`] reads any server that answers the route, given its URL, tokens and seeded ids:
//! `history` points it at Accord ([`read`]), `limits http` at a bare server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::task::JoinSet;

use super::post::{Writers, clients_cpu_ns};
use crate::args::ReadArgs;
use crate::target::Target;

/// What the readers did.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    /// Pages answered 200, and requests that were not (another status, an error, a timeout).
    pub reads: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// Body bytes of the pages answered 200.
    pub bytes: u64,
    /// Every answered request's latency, microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Pages parsed and checked, and those that did not match the seeded ids.
    pub sampled: u64,
    pub invalid: u64,
    pub first_invalid: Option<String>,
    pub elapsed: Duration,
    /// The server's CPU time over the reads, as the caller of [`read_at`] reads it.
    pub server_cpu_ns: Option<u64>,
    /// This whole process's (the clients', and the server's when it runs here).
    pub process_cpu_ns: Option<u64>,
    /// The clients' and the bench's alone, where they can be told apart from the server's.
    pub clients_cpu_ns: Option<u64>,
}

/// A channel to read: where, as whom, and what it was seeded with.
#[derive(Debug, Clone)]
pub struct Channel {
    /// `http://HOST/api/v10/channels/{id}/messages`
    pub url: String,
    /// Access tokens; the readers take them in turn, as `Bearer` tokens.
    pub tokens: Vec<String>,
    /// The seeded ids, sorted.
    pub ids: Vec<u64>,
}

/// What one reader needs, shared by all.
struct Plan {
    http: reqwest::Client,
    /// `http://HOST/api/v10/channels/{id}/messages`
    url: String,
    /// The seeded ids, sorted.
    ids: Arc<Vec<u64>>,
    page: usize,
    newest_pct: u32,
    sample_every: u64,
    /// Reads started so far over all readers, against `--max-reads`.
    started: AtomicU64,
    max_reads: u64,
    stop_at: Instant,
    deadline: tokio::time::Instant,
}

/// Runs `--readers` readers against Accord's channel of `writers`, seeded with `ids` (sorted),
/// for `--seconds`, as the writers.
pub async fn read(
    target: &Target,
    writers: &Writers,
    ids: Vec<u64>,
    args: &ReadArgs,
    deadline: tokio::time::Instant,
) -> anyhow::Result<Reads> {
    let channel = Channel {
        url: format!("{}/channels/{}/messages", target.api_root(), writers.channel),
        tokens: writers.tokens.clone(),
        ids,
    };
    let mut reads = read_at(channel, args, deadline, || target.server_cpu_ns()).await?;
    reads.clients_cpu_ns = clients_cpu_ns(target, reads.process_cpu_ns, reads.server_cpu_ns);
    Ok(reads)
}

/// Runs `--readers` readers against `channel` for `--seconds`; `server_cpu_ns` reads the
/// server's CPU time, before and after.
pub async fn read_at(
    channel: Channel,
    args: &ReadArgs,
    deadline: tokio::time::Instant,
    server_cpu_ns: impl Fn() -> Option<u64>,
) -> anyhow::Result<Reads> {
    ensure!(!channel.ids.is_empty() && !channel.tokens.is_empty(), "nothing was seeded to read");
    let plan = Arc::new(Plan {
        http: reqwest::Client::new(),
        url: channel.url,
        ids: Arc::new(channel.ids),
        page: args.page as usize,
        newest_pct: args.newest_pct,
        sample_every: args.sample_every,
        started: AtomicU64::new(0),
        max_reads: args.max_reads,
        stop_at: Instant::now() + args.seconds(),
        deadline,
    });
    let _profiled = crate::profile::Phase::start();
    let cpu_start = (server_cpu_ns(), crate::cpu::process_cpu_ns("self"));
    let start = Instant::now();
    let mut readers = JoinSet::new();
    for k in 0..args.readers {
        let token = format!("Bearer {}", channel.tokens[k as usize % channel.tokens.len()]);
        readers.spawn(reader(plan.clone(), u64::from(k), token));
    }
    let mut reads = Reads::default();
    while let Some(part) = readers.join_next().await {
        let part = part.context("a reader panicked")?;
        reads.reads += part.reads;
        reads.errors += part.errors;
        reads.first_error = reads.first_error.or(part.first_error);
        reads.bytes += part.bytes;
        reads.latencies_us.extend(part.latencies_us);
        reads.sampled += part.sampled;
        reads.invalid += part.invalid;
        reads.first_invalid = reads.first_invalid.or(part.first_invalid);
    }
    reads.elapsed = start.elapsed();
    reads.server_cpu_ns = server_cpu_ns().zip(cpu_start.0).map(|(end, start)| end.saturating_sub(start));
    reads.process_cpu_ns =
        crate::cpu::process_cpu_ns("self").zip(cpu_start.1).map(|(end, start)| end.saturating_sub(start));
    reads.latencies_us.sort_unstable();
    Ok(reads)
}

/// One reader: reads until `--seconds` pass or the readers have started `--max-reads`.
async fn reader(plan: Arc<Plan>, k: u64, authorization: String) -> Reads {
    let mut rng = SmallRng::seed_from_u64(k);
    let mut reads = Reads::default();
    let ids = &plan.ids;
    // Bounded by `--max-reads` over all readers, and by `--seconds`.
    for n in 0..plan.max_reads {
        if Instant::now() >= plan.stop_at || plan.started.fetch_add(1, Ordering::Relaxed) >= plan.max_reads {
            break;
        }
        let newest = rng.random_range(0..100) < plan.newest_pct;
        let position = if newest { ids.len() } else { rng.random_range(0..ids.len()) };
        let url = match ids.get(position) {
            Some(before) => format!("{}?limit={}&before={before}", plan.url, plan.page),
            None => format!("{}?limit={}", plan.url, plan.page),
        };
        let sent = Instant::now();
        let answer = tokio::time::timeout_at(plan.deadline, async {
            let response = plan.http.get(&url).header(reqwest::header::AUTHORIZATION, &authorization).send().await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.bytes().await?))
        })
        .await;
        let failure = match answer {
            Ok(Ok((status, body))) => {
                reads.latencies_us.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                if status == 200 {
                    reads.reads += 1;
                    reads.bytes += body.len() as u64;
                    if n.is_multiple_of(plan.sample_every) {
                        reads.sampled += 1;
                        if let Err(why) = check(&body, ids, position, plan.page) {
                            reads.invalid += 1;
                            reads.first_invalid.get_or_insert(why);
                        }
                    }
                    continue;
                }
                format!("{status} {}", String::from_utf8_lossy(&body))
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => {
                reads.errors += 1;
                reads.first_error.get_or_insert("no answer within --timeout".into());
                break;
            }
        };
        reads.errors += 1;
        reads.first_error.get_or_insert(failure);
    }
    reads
}

/// A page asked for before `ids[position]` (or the newest, when `position` is past the end)
/// must hold the `page` seeded ids below it, newest first: as many as there are (at most
/// `page`), strictly descending, all below `before`, and exactly the seeded ones.
fn check(body: &[u8], ids: &[u64], position: usize, page: usize) -> Result<(), String> {
    let messages: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let got: Vec<u64> = messages
        .as_array()
        .ok_or("not a list")?
        .iter()
        .map(|m| m["id"].as_str().and_then(|id| id.parse().ok()))
        .collect::<Option<_>>()
        .ok_or("a message without id")?;
    let position = position.min(ids.len());
    let expected: Vec<u64> = ids[position.saturating_sub(page)..position].iter().rev().copied().collect();
    if got.len() != expected.len() {
        return Err(format!("{} messages where {} were expected", got.len(), expected.len()));
    }
    if !got.windows(2).all(|pair| pair[0] > pair[1]) {
        return Err("ids not strictly descending".into());
    }
    if let Some(&before) = ids.get(position).filter(|&&before| got.iter().any(|&id| id >= before)) {
        return Err(format!("an id not below before={before}"));
    }
    if got != expected {
        return Err("ids other than the seeded ones".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(ids: &[u64]) -> Vec<u8> {
        let messages: Vec<Value> = ids.iter().map(|id| serde_json::json!({ "id": id.to_string() })).collect();
        serde_json::to_vec(&messages).expect("serialises")
    }

    #[test]
    fn a_page_must_hold_the_seeded_ids_just_below_before_newest_first() {
        let ids: Vec<u64> = (10..20).collect();
        assert_eq!(check(&body(&[14, 13, 12]), &ids, 5, 3), Ok(()), "before 15");
        assert_eq!(check(&body(&[11, 10]), &ids, 2, 3), Ok(()), "a short page near the oldest");
        assert_eq!(check(&body(&[19, 18, 17]), &ids, 10, 3), Ok(()), "the newest page");
        assert!(check(&body(&[14, 13]), &ids, 5, 3).is_err(), "too short");
        assert!(check(&body(&[13, 14, 12]), &ids, 5, 3).is_err(), "not descending");
        assert!(check(&body(&[16, 13, 12]), &ids, 5, 3).is_err(), "above before");
        assert!(check(&body(&[14, 13, 11]), &ids, 5, 3).is_err(), "not the seeded ones");
        assert!(check(b"{}", &ids, 5, 3).is_err());
    }
}
