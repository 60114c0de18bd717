//! Smoke test of the idle benchmark: sessions spread over two worker processes open against an
//! embedded server, hold with heartbeats (a test server asks for one every second), and the
//! report counts them, their ACKs and the server's memory.

use accord_bench::args::IdleArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_in_two_workers_identify_heartbeat_and_are_counted() {
    let mut args = IdleArgs::embedded(30, 20, 3);
    args.guild_size = 10;
    args.ramp = 100;
    args.timeout = 120;
    args.worker_exe = Some(env!("CARGO_BIN_EXE_accord-bench").into());

    let report = accord_bench::idle::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.opened, report.failed, report.workers), (30, 0, 2), "{text}");
    assert_eq!(report.identify_us.len(), 30, "{text}");
    assert!(!report.ack_us.is_empty(), "heartbeats were answered: {text}");
    assert_eq!(report.unexpected_closes, 0, "{text}");
    assert!(report.rss_per_session_kib().is_some(), "{text}");
    let json = report.to_json();
    assert_eq!(json["opened"], 30);
    assert!(json["heartbeat_ack_ms"]["p99"].is_number(), "{json}");
}
