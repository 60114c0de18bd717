//! Smoke test of the ramp benchmark (S3): a small quick ramp against an embedded server, with
//! thresholds loose enough for a debug build; users of two guilds perform every kind of action
//! without an error, and the ramp adds users until `--max-users`.

use accord_bench::args::RampArgs;
use accord_bench::ramp::mix::Kind;
use accord_bench::ramp::report::End;
use accord_bench::report::Report;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_of_two_guilds_do_every_action_as_the_ramp_grows_to_its_maximum() {
    let mut args = RampArgs::embedded(2, 4, 1, 16);
    (args.channels, args.seed_messages, args.page) = (3, 30, 20);
    (args.window_seconds, args.think_ms, args.seconds, args.timeout) = (2, 60, 30, 120);
    (args.max_mean_ms, args.max_p99_ms) = (10_000.0, 30_000.0);

    let report = accord_bench::ramp::run(&args).await.expect("the run completes");

    let text = report.to_text();
    assert_eq!(report.end, End::MaxUsers, "{text}");
    assert_eq!((report.supported_users(), report.ceiling_reached()), (16, false), "{text}");
    let total = &report.total;
    assert_eq!((total.errors(), total.first_error.as_deref()), (0, None), "{text}");
    for kind in
        [Kind::SwitchChannel, Kind::ScrollChannel, Kind::Typing, Kind::CreatePost, Kind::AddReaction, Kind::Reconnect]
    {
        assert!(total.ok_of(kind) > 0, "no {kind:?}: {text}");
    }
    assert_eq!(total.ok_of(Kind::Identify), 16, "{text}");
    let users: Vec<u32> = report.windows.iter().map(|w| w.users_end).collect();
    assert!(users.windows(2).all(|w| w[0] <= w[1]) && users.first() < users.last(), "{users:?}");
    assert!(report.windows.iter().map(|w| w.deliveries).sum::<u64>() > 0, "{text}");
    let json = report.to_json();
    assert_eq!((json["supported_users"].as_u64(), json["errors"].as_u64()), (Some(16), Some(0)), "{json}");
    let plots = report.plots();
    assert_eq!(plots.iter().map(|p| p.file.as_str()).collect::<Vec<_>>(), ["latency", "users"]);
    assert!(plots.iter().all(|p| p.lines.iter().all(|l| !l.points.is_empty())), "{plots:?}");
}
