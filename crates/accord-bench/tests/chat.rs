//! Smoke test of the chat benchmark (S2): sessions in three guilds, writers posting at a rate,
//! two sessions dropping and resuming; every message reaches every session of its guild once,
//! in each writer's order, and REST history holds exactly the acknowledged messages.

use accord_bench::args::ChatArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_reaches_its_guild_once_in_order_across_resumes() {
    let mut args = ChatArgs::embedded(30, 3, 6, 60, 3);
    args.resumes = 2;
    args.timeout = 120;

    let report = accord_bench::chat::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.acked, report.post_failed), (180, 0), "{text}");
    // Each guild has 10 sessions and two writers posting 30 messages each.
    assert_eq!(report.deliveries_expected, 180 * 10, "{text}");
    assert_eq!((report.delivered, report.duplicates, report.reordered), (1800, 0, 0), "{text}");
    assert_eq!((report.resumed, report.resume_failed, report.ended_early), (2, 0, 0), "{text}");
    assert_eq!(report.history, Default::default(), "history matches the acknowledged messages: {text}");
    assert_eq!(report.receive_us.len(), 1800, "{text}");
    let json = report.to_json();
    assert_eq!(json["lost"], 0);
    assert!(json["receive_ms"]["p99"].is_number() && !json["per_second"].as_array().unwrap().is_empty(), "{json}");
}
