//! Smoke tests of `post` and `history` against an embedded server: every POST is accepted and
//! the channel's history holds exactly the accepted messages; readers page through a seeded
//! channel without errors and the sampled pages match the seeded ids.

use accord_bench::args::{HistoryArgs, PostArgs};
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_post_is_in_the_history() {
    let mut args = PostArgs::embedded(300);
    args.write.writers = 4;
    args.write.concurrency = 16;
    args.timeout = 120;

    let report = accord_bench::history::post::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.written.accepted, report.written.failed), (300, 0), "{text}");
    assert_eq!(report.written.latencies_us.len(), 300, "{text}");
    let verified = report.verified.as_ref().expect("post checks the history");
    assert_eq!((verified.method, verified.ok, verified.checked), ("full", true, 300), "{text}");
    assert!(report.messages_per_sec() > 0.0 && report.server_cores().is_some(), "{text}");
    let json = report.to_json();
    assert_eq!(json["accepted"], 300);
    assert!(json["latency_ms"]["p99"].is_number(), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_of_a_seeded_channel_get_valid_pages() {
    let mut args = HistoryArgs::embedded(2000, 2);
    args.write.writers = 4;
    args.read.sample_every = 10;
    args.timeout = 180;

    let report = accord_bench::history::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.seed.written.accepted, report.seed.written.failed), (2000, 0), "{text}");
    let reads = &report.reads;
    assert!(reads.reads > 0 && reads.bytes > 0, "{text}");
    assert_eq!(reads.errors, 0, "{text}");
    assert!(reads.sampled > 0, "{text}");
    assert_eq!(reads.invalid, 0, "{text}");
    assert!(report.reads_per_sec() > 0.0 && report.server_cores().is_some(), "{text}");
    let json = report.to_json();
    assert_eq!(json["errors"], 0);
    assert!(json["latency_ms"]["p99"].is_number() && json["seed"]["accepted"] == 2000, "{json}");
}
