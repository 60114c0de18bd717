//! `accord-bench docs`: the figures in a Markdown file come from saved runs, not from hand
//! copies. Each `<!-- bench:LABEL -->` … `<!-- /bench:LABEL -->` block is rewritten with the
//! run saved under LABEL: its command and machine, its text table and links to its plots.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Rewrites every block of `file` from `results`; returns the labels it filled.
pub fn update(results: &Path, file: &Path) -> anyhow::Result<Vec<String>> {
    let markdown = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let link_base = relative_to(results, file.parent().unwrap_or(Path::new("")));
    let (updated, labels) = rewrite(&markdown, |label| block(results, &link_base, label))?;
    std::fs::write(file, updated).with_context(|| format!("writing {}", file.display()))?;
    Ok(labels)
}

/// Replaces the body of each block with `fill(label)`; fails on a block left open.
fn rewrite(
    markdown: &str,
    mut fill: impl FnMut(&str) -> anyhow::Result<String>,
) -> anyhow::Result<(String, Vec<String>)> {
    let mut out = String::with_capacity(markdown.len());
    let mut labels = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("<!-- bench:") {
        let after = &rest[start + "<!-- bench:".len()..];
        let Some(close) = after.find(" -->") else { bail!("an unclosed `<!-- bench:` marker") };
        let label = &after[..close];
        let opening_end = start + "<!-- bench:".len() + close + " -->".len();
        let end_marker = format!("<!-- /bench:{label} -->");
        let Some(end) = rest[opening_end..].find(&end_marker) else { bail!("no `{end_marker}` after its block") };
        out.push_str(&rest[..opening_end]);
        out.push('\n');
        out.push_str(&fill(label)?);
        out.push_str(&end_marker);
        labels.push(label.to_owned());
        rest = &rest[opening_end + end + end_marker.len()..];
    }
    out.push_str(rest);
    Ok((out, labels))
}

/// The Markdown for one saved run.
fn block(results: &Path, link_base: &Path, label: &str) -> anyhow::Result<String> {
    let dir = results.join(label);
    let text = std::fs::read_to_string(dir.join("report.txt")).with_context(|| {
        format!("no saved run `{label}` in {} (run the scenario with --label {label})", results.display())
    })?;
    let mut plots: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".png"))
        .collect();
    plots.sort();
    let mut block = format!("```text\n{}\n```\n", text.trim_end());
    for png in plots {
        let link = link_base.join(label).join(&png);
        block.push_str(&format!("\n![{label}: {}]({})\n", png.trim_end_matches(".png"), link.display()));
    }
    Ok(block)
}

/// `path` as seen from `base` when it lies under it (docs/results from docs is `results`);
/// otherwise as given.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_rewritten_and_the_rest_is_kept() {
        let markdown = "# Perf\nintro\n<!-- bench:s2 -->\nold figures\n<!-- /bench:s2 -->\nmiddle\n\
                        <!-- bench:s5 --><!-- /bench:s5 -->\nend\n";
        let (out, labels) = rewrite(markdown, |label| Ok(format!("new {label}\n"))).expect("rewritten");
        assert_eq!(labels, ["s2", "s5"]);
        assert_eq!(
            out,
            "# Perf\nintro\n<!-- bench:s2 -->\nnew s2\n<!-- /bench:s2 -->\nmiddle\n<!-- bench:s5 -->\nnew s5\n<!-- /bench:s5 -->\nend\n"
        );
        let (again, _) = rewrite(&out, |label| Ok(format!("new {label}\n"))).expect("rewritten");
        assert_eq!(again, out, "rewriting is idempotent");
    }

    #[test]
    fn an_unterminated_block_is_an_error_not_a_truncation() {
        assert!(rewrite("<!-- bench:s2 -->\nfigures\n", |_| Ok(String::new())).is_err());
        assert!(rewrite("<!-- bench:s2", |_| Ok(String::new())).is_err());
    }

    #[test]
    fn a_saved_run_becomes_its_text_and_plot_links() {
        let results = tempfile::tempdir().expect("temp dir");
        let dir = results.path().join("s5");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("report.txt"), "$ accord-bench burst\nlast frame 61 ms\n").unwrap();
        std::fs::write(dir.join("rss.png"), b"png").unwrap();
        std::fs::write(dir.join("latency.png"), b"png").unwrap();
        let block = block(results.path(), Path::new("results"), "s5").expect("block");
        assert_eq!(
            block,
            "```text\n$ accord-bench burst\nlast frame 61 ms\n```\n\n![s5: latency](results/s5/latency.png)\n\n![s5: rss](results/s5/rss.png)\n"
        );
        assert!(super::block(results.path(), Path::new("results"), "missing").is_err());
        assert_eq!(relative_to(Path::new("docs/results"), Path::new("docs")), Path::new("results"));
    }
}
