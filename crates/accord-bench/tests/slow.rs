//! Smoke test of the slow-consumer benchmark (S4): next to sessions that read, one session of
//! the same guild stops reading while big messages arrive; the readers get everything, the
//! server ends the slow session resumably (a resume replays all it missed), and the server's
//! memory is sampled throughout.

use accord_bench::args::SlowArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_stops_reading_is_closed_and_the_others_get_everything() {
    // 1,500 messages of about 1 KiB: past the gateway's 1,000-frame, 1 MiB backlog for one
    // connection, so the slow session must be closed.
    let mut args = SlowArgs::embedded(5, 1, 1500, 500);
    args.timeout = 180;

    let report = accord_bench::slow::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.posted, report.post_failed), (1500, 0), "{text}");
    assert_eq!(report.delivered, report.expected(), "the readers lost nothing: {text}");
    assert_eq!(report.readers_closed, 0, "{text}");
    assert_eq!(report.slow.len(), 1, "{text}");
    let slow = &report.slow[0];
    // The server ends the connection: with its 4000 close, or (when the socket is too backed
    // up for the close frame to get through) by dropping it.
    let dropped = slow.ended.as_deref().is_some_and(|e| e.contains("reset") || e.contains("failed"));
    assert!(slow.closed == Some(Some(4000)) || dropped, "ended by the server: {text}");
    assert!(slow.read_before_close < 1500, "it did not get everything before the end: {text}");
    assert_eq!(slow.replayed.map(|r| r + slow.read_before_close), Some(1500), "resuming lost nothing: {text}");
    assert!(!report.rss_samples_kib.is_empty() && report.rss_max_kib().is_some(), "{text}");
    assert!(report.to_json()["latency_ms"]["p99"].is_number());
}
