//! `accord-bench`: parses the command line, runs the scenario, prints its report as text and
//! saves it in the results folder (text, JSON, PNG plots); `docs` fills a Markdown file from
//! the saved runs.

/// The same allocator as the `accord` binary, so an embedded server runs as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use accord_bench::args::{Cli, LimitsKind, Scenario};
use accord_bench::report::Report;
use accord_bench::{burst, chat, docs, fanout, history, idle, limits, presence, ramp, results, slow, voice};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let name = cli.scenario.name();
    let report: Box<dyn Report> = match &cli.scenario {
        Scenario::Fanout(args) => Box::new(fanout::run(args).await?),
        Scenario::Presence(args) => Box::new(presence::run(args).await?),
        Scenario::Voice(args) if args.find_max => Box::new(voice::find_max::run(args).await?),
        Scenario::Voice(args) => Box::new(voice::run(args).await?),
        Scenario::Idle(args) => Box::new(idle::run(args).await?),
        Scenario::Chat(args) => Box::new(chat::run(args).await?),
        Scenario::Ramp(args) => Box::new(ramp::run(args).await?),
        Scenario::Burst(args) => Box::new(burst::run(args).await?),
        Scenario::Slow(args) => Box::new(slow::run(args).await?),
        Scenario::Limits(LimitsKind::Ws(args)) => Box::new(limits::ws::run(args).await?),
        Scenario::Limits(LimitsKind::Sqlite(args)) => Box::new(limits::sqlite::run(args).await?),
        Scenario::Limits(LimitsKind::Http(args)) => Box::new(limits::http::run(args).await?),
        Scenario::Post(args) => Box::new(history::post::run(args).await?),
        Scenario::History(args) => Box::new(history::run(args).await?),
        Scenario::IdleWorker(args) => return idle::worker::run(args).await,
        Scenario::Docs(args) => {
            let labels = docs::update(&cli.results, &args.file)?;
            println!("{}: filled {} from {}", args.file.display(), labels.join(", "), cli.results.display());
            return Ok(());
        }
    };
    println!("{}", report.to_text());
    let label = cli.label.as_deref().unwrap_or(name);
    let saved = results::save(&cli.results, label, &results::Run::now(), report.as_ref())?;
    println!("saved in {}", saved.display());
    Ok(())
}
