//! Smoke test of the voice benchmark: one channel of three participants exchanging audio for a
//! second through an embedded server's SFU; every frame reaches both other participants once,
//! intact and timed, and the server's CPU is read apart from the clients'.

use accord_bench::args::VoiceArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_participants_each_receive_every_frame_of_the_other_two() {
    let mut args = VoiceArgs::embedded(1, 3, 1);
    args.timeout = 60;

    let report = accord_bench::voice::run(&args).await.expect("the run completes");

    let text = report.to_text();
    let t = &report.tally;
    assert_eq!(report.sent_per_peer, 50, "{text}");
    assert_eq!(t.expected, 3 * 2 * 50, "each frame is expected at the two others: {text}");
    assert_eq!((t.lost(), t.unique), (0, 300), "every frame arrived: {text}");
    assert_eq!((t.duplicates, t.misrouted, t.corrupt, t.mislabeled), (0, 0, 0, 0), "{text}");
    assert_eq!((t.pairs, t.pairs_short, t.pairs_silent), (6, 0, 0), "{text}");
    assert_eq!(t.latencies_us.len(), 300, "every frame is timed: {text}");
    assert_eq!(report.closed, 0, "{text}");
    assert_eq!(report.sfu_forwarded.map(|n| n >= 250), Some(true), "the embedded SFU's count is read: {text}");
    assert!(report.server_cores().is_some() && report.clients_cores().is_some(), "{text}");
    let json = report.to_json();
    assert_eq!(json["lost"], 0);
    assert!(json["latency_ms"]["p99"].is_number() && json["cpu"]["server_cores"].is_number(), "{json}");
}
