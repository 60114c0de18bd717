//! Smoke test of the fan-out benchmark: a small run against an embedded server delivers every
//! message to every session and times each delivery.

use accord_bench::args::FanoutArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_sessions_receive_all_five_messages() {
    let mut args = FanoutArgs::embedded(5, 5);
    args.timeout = 60;

    let report = accord_bench::fanout::run(&args).await.expect("the run completes");

    assert_eq!((report.posted, report.post_failures), (5, 0));
    assert_eq!(report.expected(), 25);
    assert_eq!(report.lost(), 0, "{}", report.to_text());
    assert_eq!(report.delivered_frames, 25, "{}", report.to_text());
    assert_eq!(report.latencies_us.len(), 25, "every delivery is timed");
    assert_eq!(report.closed_sessions, 0);
    assert!(report.rss_per_session_kib().is_some(), "embedded runs read their own RSS");
    let json = report.to_json();
    assert_eq!(json["lost"], 0);
    assert!(json["latency_ms"]["p99"].is_number(), "{json}");
}
