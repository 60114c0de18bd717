//! What every scenario's report offers: a text table, a JSON value, and the time series to plot
//! (latency percentiles over time, memory over time), which the results folder keeps as PNG.

use serde_json::Value;

pub trait Report {
    /// The report as an aligned text table, for a terminal and for the docs.
    fn to_text(&self) -> String;
    /// The report as one JSON value, for the results folder and for comparing runs.
    fn to_json(&self) -> Value;
    /// Series over the run's time; none unless the scenario records them.
    fn plots(&self) -> Vec<Plot> {
        Vec::new()
    }
}

/// One chart: a few lines over the seconds of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// File name in the results folder, without `.png`, e.g. `latency`.
    pub file: String,
    pub title: String,
    /// What the y axis measures, with its unit, e.g. `ms`.
    pub y_label: String,
    pub lines: Vec<Line>,
}

/// One named series: (seconds since the start, value) points in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

impl Line {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self { name: name.into(), points }
    }
}

impl Plot {
    /// The measured process's resident memory over the run, in MiB (`rss.png`); none without
    /// samples.
    pub fn rss(samples: &[(f64, u64)], scope: &str) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let points = samples.iter().map(|&(t, kib)| (t, kib as f64 / 1024.0)).collect();
        Some(Self {
            file: "rss".into(),
            title: format!("Resident memory ({scope})"),
            y_label: "MiB".into(),
            lines: vec![Line::new("RSS", points)],
        })
    }
}
