//! Smoke test of `--cluster split`: the bench starts the services, a gateway and an edge as
//! `accord serve` processes on PostgreSQL, NATS and Redis, posts through the edge and finds
//! every accepted message in the history; the CPU and memory are the three processes'. Runs
//! when `scripts/services` has named the servers (`ACCORD_TEST_NATS_URL`), as the cluster
//! tests of the `accord` crate do.

use accord_bench::args::{Cli, Scenario};
use accord_bench::report::Report;
use clap::Parser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_through_the_edge_of_a_split_cluster_reach_the_history() {
    if std::env::var_os("ACCORD_TEST_NATS_URL").is_none() {
        assert_ne!(std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref(), Ok("1"), "the cluster needs NATS");
        eprintln!("skipped: ACCORD_TEST_NATS_URL is not set");
        return;
    }
    let cli = Cli::parse_from(["accord-bench", "post", "--cluster", "split", "--messages", "200", "--timeout", "120"]);
    let Scenario::Post(args) = cli.scenario else { unreachable!("parsed as post") };

    let report = accord_bench::history::post::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!((report.written.accepted, report.written.failed), (200, 0), "{text}");
    let verified = report.verified.as_ref().expect("post checks the history");
    assert!(verified.ok && verified.checked == 200, "{text}");
    assert!(report.target.starts_with("cluster"), "{text}");
    assert!(report.server_cores().is_some_and(|cores| cores > 0.0), "the processes' CPU is read: {text}");
}
