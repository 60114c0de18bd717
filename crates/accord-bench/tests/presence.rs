//! Smoke test of the presence benchmark: a small run against an embedded server reaches every
//! watcher once per burst, coalesces each burst's changes, and times each update; the actor
//! moves to a fresh session midway without others seeing it.

use accord_bench::args::PresenceArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_watchers_get_one_update_per_burst_of_five_changes() {
    let mut args = PresenceArgs::embedded(5, 20, 5);
    args.changes_per_session = 10;
    args.timeout = 60;

    let report = accord_bench::presence::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.sent, report.bursts, report.handoffs), (20, 4, 1), "{text}");
    assert!(report.actor_error.is_none(), "{text}");
    assert_eq!(report.missed_bursts, 0, "every burst reached every watcher: {text}");
    assert_eq!(report.stale_watchers, 0, "{text}");
    assert_eq!(report.repeats, 0, "the handoff shows nothing new: {text}");
    assert_eq!(report.unindexed, 0, "nor does the actor coming online: {text}");
    assert!(report.updates_min >= Some(4), "at least one update per burst: {text}");
    assert!(report.updates_max < 20, "changes coalesced: {text}");
    assert!(report.coalescing_ratio() < 1.0, "{text}");
    assert_eq!(report.latencies_us.len(), 20, "every (watcher, burst) is timed: {text}");
    assert_eq!(report.closed_sessions, 0, "{text}");
    let json = report.to_json();
    assert_eq!(json["missed_bursts"], 0);
    assert!(json["latency_ms"]["p50"].is_number() && json["latency_ms"]["p99"].is_number(), "{json}");
}
