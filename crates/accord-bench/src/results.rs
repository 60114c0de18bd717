//! The results folder: each run writes `<results>/<label>/` with `report.txt` (the command, the
//! machine and the text table), `report.json` (the same with the report as JSON) and one PNG
//! per plotted series. A run replaces the folder of its label, so the docs can link to it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;
use serde_json::{Value, json};

use crate::plot;
use crate::report::Report;

/// What every saved run records besides its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The command line, as typed (arguments joined by spaces).
    pub command: String,
    /// UTC, RFC 3339, to the second.
    pub finished_at: String,
    pub machine: Machine,
}

impl Run {
    /// This process's command line, now, on this machine.
    pub fn now() -> Self {
        let mut args = std::env::args();
        let program = args.next().map(|p| Path::new(&p).file_name().map(|n| n.to_string_lossy().into_owned()));
        let command = program.flatten().into_iter().chain(args).collect::<Vec<_>>().join(" ");
        let finished_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        Self { command, finished_at, machine: Machine::this() }
    }

    fn header(&self) -> String {
        format!("$ {}\n# {}; finished {}\n", self.command, self.machine.describe(), self.finished_at)
    }
}

/// The machine the run was made on, from `/proc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub memory_gib: f64,
    pub kernel: String,
}

impl Machine {
    pub fn this() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let field = |text: &str, name: &str| {
            let line = text.lines().find(|line| line.starts_with(name));
            line.and_then(|line| line.split(':').nth(1)).map(|v| v.trim().to_owned())
        };
        let memory_kib = field(&read("/proc/meminfo"), "MemTotal")
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        Self {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown CPU".into()),
            memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        }
    }

    pub fn describe(&self) -> String {
        format!("{} CPUs ({}), {} GiB, Linux {}", self.cpus, self.cpu_model, self.memory_gib, self.kernel)
    }

    fn to_json(&self) -> Value {
        json!({
            "cpus": self.cpus,
            "cpu_model": self.cpu_model,
            "memory_gib": self.memory_gib,
            "kernel": self.kernel,
        })
    }
}

/// Writes the run into `results/label`, replacing what was there, and returns the folder.
/// A plot that cannot be drawn is reported on stderr and skipped: the figures matter more.
pub fn save(results: &Path, label: &str, run: &Run, report: &dyn Report) -> anyhow::Result<PathBuf> {
    let dir = results.join(label);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let text = format!("{}\n{}\n", run.header(), report.to_text());
    write(&dir.join("report.txt"), &text)?;
    let json = json!({
        "command": run.command,
        "finished_at": run.finished_at,
        "machine": run.machine.to_json(),
        "report": report.to_json(),
    });
    write(&dir.join("report.json"), &format!("{json:#}\n"))?;
    for chart in report.plots() {
        let path = dir.join(format!("{}.png", chart.file));
        if let Err(e) = plot::write_png(&chart, &path) {
            eprintln!("warning: plot {} not written: {e:#}", chart.file);
        }
    }
    Ok(dir)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// A label names a folder inside the results folder, never a path out of it.
pub fn parse_label(label: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if label.is_empty() || label.starts_with('.') || !label.chars().all(allowed) {
        return Err("letters, digits, '-', '_' and '.', not starting with '.'".into());
    }
    Ok(label.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Line, Plot};

    struct Sample;

    impl Report for Sample {
        fn to_text(&self) -> String {
            "rate  42/s".into()
        }

        fn to_json(&self) -> Value {
            json!({ "rate": 42 })
        }

        fn plots(&self) -> Vec<Plot> {
            let line = Line::new("p99", vec![(0.0, 1.0), (1.0, 3.0)]);
            vec![Plot { file: "latency".into(), title: "Latency".into(), y_label: "ms".into(), lines: vec![line] }]
        }
    }

    #[test]
    fn a_run_is_saved_as_text_json_and_plots_replacing_the_last_one() {
        let results = tempfile::tempdir().expect("temp dir");
        let stale = results.path().join("s2");
        std::fs::create_dir_all(&stale).expect("made");
        std::fs::write(stale.join("old.png"), b"old").expect("written");
        let run = Run { command: "accord-bench chat --embedded".into(), ..Run::now() };

        let dir = save(results.path(), "s2", &run, &Sample).expect("saved");

        let text = std::fs::read_to_string(dir.join("report.txt")).expect("text");
        assert!(text.starts_with("$ accord-bench chat --embedded\n# ") && text.ends_with("rate  42/s\n"), "{text}");
        let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
        assert_eq!((json["report"]["rate"].as_u64(), json["command"].as_str()), (Some(42), Some(run.command.as_str())));
        assert!(json["machine"]["cpus"].as_u64().unwrap() >= 1, "{json}");
        assert!(dir.join("latency.png").is_file());
        assert!(!dir.join("old.png").exists(), "the label's folder is replaced");
    }

    #[test]
    fn labels_stay_inside_the_results_folder() {
        assert_eq!(parse_label("s2-g100").as_deref(), Ok("s2-g100"));
        for bad in ["", "..", "../x", "a/b", ".hidden", "a b"] {
            assert!(parse_label(bad).is_err(), "{bad:?}");
        }
    }
}
