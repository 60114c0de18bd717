//! Smoke test of the burst benchmark (S5): members of one guild hold sessions in two worker
//! processes; each of three messages reaches every one of them, and the report times it.

use accord_bench::args::BurstArgs;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_reaches_every_session_held_by_the_workers() {
    let mut args = BurstArgs::embedded(24, 12, 3);
    args.ramp = 100;
    args.timeout = 120;
    args.worker_exe = Some(env!("CARGO_BIN_EXE_accord-bench").into());

    let report = accord_bench::burst::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.opened, report.failed, report.workers), (24, 0, 2), "{text}");
    assert_eq!(report.bursts.len(), 3, "{text}");
    for burst in &report.bursts {
        assert_eq!((burst.reached, burst.arrival_us.len()), (24, 24), "{text}");
    }
    assert!(report.median_last_us().is_some_and(|us| us > 0), "{text}");
    assert_eq!(report.unexpected_closes, 0, "{text}");
    assert_eq!(report.to_json()["bursts"][2]["reached"], 24);
}
