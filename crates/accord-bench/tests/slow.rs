//! Smoke test of the slow-consumer benchmark (S4): next to sessions that read, one session of
//! the same guild stops reading while big messages arrive; the readers get everything, the
//! server closes the slow session resumably, and the server's memory is sampled throughout.

use accord_bench::args::SlowArgs;

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
    assert_eq!(report.slow[0].closed, Some(Some(4000)), "closed as a slow consumer, resumably: {text}");
    assert!(report.slow[0].read_before_close < 1500, "it did not get everything before the close: {text}");
    assert!(!report.rss_samples_kib.is_empty() && report.rss_max_kib().is_some(), "{text}");
    assert!(report.to_json()["latency_ms"]["p99"].is_number());
}
