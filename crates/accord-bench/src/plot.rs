//! Draws a report's [`Plot`]s as PNG line charts.
//!
//! Text is drawn with a TrueType font read at run time (DejaVu Sans, Debian's
//! `fonts-dejavu-core`, or the file `ACCORD_BENCH_FONT` names), so the binary carries none.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, anyhow};
use plotters::prelude::*;

use crate::report::Plot;

const SIZE: (u32, u32) = (960, 540);
const FONT: &str = "sans-serif";
const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

/// Writes `plot` to `path` as a PNG.
pub fn write_png(plot: &Plot, path: &Path) -> anyhow::Result<()> {
    register_font()?;
    draw(plot, path).map_err(|e| anyhow!("drawing {}: {e}", path.display()))
}

fn draw(plot: &Plot, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (x_end, y_end) = extent(plot);
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&plot.title, (FONT, 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..x_end, 0f64..y_end)?;
    chart.configure_mesh().x_desc("seconds").y_desc(&plot.y_label).label_style((FONT, 14)).draw()?;
    for (i, line) in plot.lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(line.points.iter().copied(), color.stroke_width(2)))?
            .label(&line.name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// The axes' ends: the last second and a tenth above the highest value, never empty.
fn extent(plot: &Plot) -> (f64, f64) {
    let points = plot.lines.iter().flat_map(|line| line.points.iter());
    let (x, y) = points.fold((0f64, 0f64), |(x, y), &(px, py)| (x.max(px), y.max(py)));
    (if x > 0.0 { x } else { 1.0 }, if y > 0.0 { y * 1.1 } else { 1.0 })
}

/// Registers the font once per process; later calls return the first outcome.
fn register_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED.get_or_init(|| load_font().map_err(|e| format!("{e:#}"))).clone().map_err(|e| anyhow!(e))
}

fn load_font() -> anyhow::Result<()> {
    let path = font_path()
        .context("no TrueType font for the plots: install fonts-dejavu-core or set ACCORD_BENCH_FONT to a .ttf file")?;
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    // plotters keeps the font for the life of the process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(FONT, FontStyle::Normal, bytes)
        .map_err(|_| anyhow!("{} is not a TrueType font", path.display()))
}

fn font_path() -> Option<PathBuf> {
    let named = std::env::var_os("ACCORD_BENCH_FONT").map(PathBuf::from);
    named.into_iter().chain(FONT_PATHS.iter().map(PathBuf::from)).find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Line;

    #[test]
    fn a_plot_is_written_as_a_png() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("latency.png");
        let plot = Plot {
            file: "latency".into(),
            title: "Latency".into(),
            y_label: "ms".into(),
            lines: vec![
                Line::new("p50", vec![(0.0, 1.0), (1.0, 2.0), (2.0, 1.5)]),
                Line::new("p99", vec![(0.0, 4.0), (1.0, 9.0), (2.0, 5.0)]),
            ],
        };
        write_png(&plot, &path).expect("drawn");
        let bytes = std::fs::read(&path).expect("written");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() > 5_000, "a chart with text, not an empty image: {} bytes", bytes.len());
    }

    #[test]
    fn empty_series_still_have_axes() {
        let plot = Plot { file: "x".into(), title: "x".into(), y_label: "x".into(), lines: vec![] };
        assert_eq!(extent(&plot), (1.0, 1.0));
    }
}
