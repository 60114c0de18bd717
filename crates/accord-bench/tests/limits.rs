//! Smoke tests of the `limits` programs: a bare WebSocket fan-out delivers every frame to
//! every connection and reads its own CPU apart from the clients'; a bare SQLite loop commits
//! every row it reports, as a count read back from the database says; a bare HTTP server
//! answers history pages, from one page and from SQLite, that the readers' checks accept.

use accord_bench::args::{HttpLimitsArgs, SqliteLimitsArgs, WsLimitsArgs};
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_connections_receive_all_five_frames() {
    let mut args = WsLimitsArgs::small(20, 5);
    args.timeout = 30;

    let report = accord_bench::limits::ws::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!(report.expected(), 100, "{text}");
    assert_eq!((report.delivered_frames, report.lost(), report.ended_early), (100, 0, 0), "{text}");
    assert_eq!(report.latencies_us.len(), 100, "every delivery is timed: {text}");
    assert_eq!(report.reach_us.len(), 5, "every message reached every connection: {text}");
    assert!(report.probe_reach.is_some() && report.frames_per_sec() > 0.0, "{text}");
    assert!((650..=750).contains(&report.frame_bytes), "{text}");
    assert!(report.server_cores().is_some() && report.rss_per_connection_kib().is_some(), "{text}");
    let json = report.to_json();
    assert_eq!(json["lost"], 0);
    assert!(json["latency_ms"]["p99"].is_number() && json["cpu"]["server_cores"].is_number(), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_inserted_row_is_counted_back_for_each_batch_size() {
    let args = SqliteLimitsArgs::small(50, &[1, 10]);

    let report = accord_bench::limits::sqlite::run(&args).await.expect("the run completes");

    let text = report.to_text();
    let rows: Vec<(u32, u64, u64, u64)> =
        report.passes.iter().map(|p| (p.batch, p.transactions(), p.rows, p.counted)).collect();
    assert_eq!(rows, vec![(1, 50, 50, 50), (10, 50, 500, 500)], "{text}");
    assert!(report.passes.iter().all(|p| p.rows_per_sec() > 0.0), "{text}");
    assert!(!report.sqlite_version.is_empty(), "{text}");
    let json = report.to_json();
    assert_eq!(json["passes"][1]["rows_counted"], 500, "{json}");
    assert!(json["passes"][0]["commit_ms"]["p99"].is_number(), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_answers_valid_pages_without_errors() {
    let mut args = HttpLimitsArgs::small(2000, 1);
    args.read.readers = 4;
    args.read.sample_every = 1;
    args.timeout = 60;

    let report = accord_bench::limits::http::run(&args).await.expect("the run completes");

    let text = report.to_text();
    let sources: Vec<&str> = report.passes.iter().map(|p| p.source).collect();
    assert_eq!(sources, ["static", "sqlite", "sqlite-inline"], "{text}");
    for pass in &report.passes {
        let reads = &pass.reads;
        assert!(reads.reads > 0 && pass.reads_per_sec() > 0.0, "{text}");
        assert_eq!((reads.errors, reads.invalid), (0, 0), "{text}");
        assert!(reads.sampled > 0, "{text}");
        assert!(pass.server_cores().is_some() && pass.server_cpu_us_per_page().is_some(), "{text}");
    }
    let newest = report.pass("static").map(|p| p.reads.bytes_per_page());
    assert!(newest.is_some_and(|bytes| (28_000..=36_000).contains(&bytes)), "about Accord's 32 KB: {text}");
    let json = report.to_json();
    assert_eq!((&json["passes"][1]["errors"], &json["passes"][2]["errors"]), (&0.into(), &0.into()), "{json}");
    assert!(
        json["passes"][0]["latency_ms"]["p99"].is_number() && json["passes"][1]["server_cores"].is_number(),
        "{json}"
    );
}
