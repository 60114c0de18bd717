//! `accord-bench`: parses the command line, runs the scenario, prints its report as text, and
//! writes it as one JSON line when `--json PATH` is given.

use accord_bench::args::{Cli, Scenario};
use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.scenario {
        Scenario::Fanout(args) => {
            let report = accord_bench::fanout::run(&args).await?;
            println!("{}", report.to_text());
            let line = report.to_json().to_string();
            println!("{line}");
            if let Some(path) = &args.json {
                std::fs::write(path, format!("{line}\n")).with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(())
}
