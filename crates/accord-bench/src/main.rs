//! `accord-bench`: parses the command line, runs the scenario, prints its report as text, and
//! writes it as one JSON line when `--json PATH` is given.

/// The same allocator as the `accord` binary, so an embedded server runs as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;

use accord_bench::args::{Cli, Scenario};
use anyhow::Context;
use clap::Parser;
use serde_json::Value;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.scenario {
        Scenario::Fanout(args) => {
            let report = accord_bench::fanout::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Presence(args) => {
            let report = accord_bench::presence::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Voice(args) if args.find_max => {
            let report = accord_bench::voice::find_max::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Idle(args) => {
            let report = accord_bench::idle::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Chat(args) => {
            let report = accord_bench::chat::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Burst(args) => {
            let report = accord_bench::burst::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Slow(args) => {
            let report = accord_bench::slow::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::IdleWorker(args) => accord_bench::idle::worker::run(&args).await,
        Scenario::Voice(args) => {
            let report = accord_bench::voice::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Limits(accord_bench::args::LimitsKind::Ws(args)) => {
            let report = accord_bench::limits::ws::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Limits(accord_bench::args::LimitsKind::Sqlite(args)) => {
            let report = accord_bench::limits::sqlite::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::Post(args) => {
            let report = accord_bench::history::post::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
        Scenario::History(args) => {
            let report = accord_bench::history::run(&args).await?;
            print(&report.to_text(), &report.to_json(), args.json.as_deref())
        }
    }
}

/// Prints the report as text and as one JSON line, and writes that line to `json` if given.
fn print(text: &str, json: &Value, path: Option<&Path>) -> anyhow::Result<()> {
    println!("{text}");
    let line = json.to_string();
    println!("{line}");
    if let Some(path) = path {
        std::fs::write(path, format!("{line}\n")).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
