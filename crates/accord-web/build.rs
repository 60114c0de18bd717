//! Builds the web client in `web/` with Vite into `OUT_DIR` and writes a table of its files
//! (each also gzipped) for `include_bytes!`, so the binary serves the client it was built
//! with. `ACCORD_WEB_DIST` names an already built client instead. Without Node.js and npm the
//! table is empty and the edge serves a page saying how to build the client.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What changes the built client.
const INPUTS: [&str; 7] =
    ["src", "public", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-env-changed=ACCORD_WEB_DIST");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    let dist = match std::env::var("ACCORD_WEB_DIST") {
        Ok(dist) if !dist.is_empty() => Some(PathBuf::from(dist)),
        _ => build(&web, &out.join("web")),
    };
    let mut files = Vec::new();
    if let Some(dist) = &dist {
        collect(dist, dist, &mut files);
    }
    files.sort();
    write_table(&out, &files);
}

/// Runs `npm ci` when the dependencies are missing or stale, then `vite build`.
fn build(web: &Path, dist: &Path) -> Option<PathBuf> {
    if !run(web, "node", &["--version"]) || !run(web, "npm", &["--version"]) {
        println!("cargo:warning=the web client is not built: Node.js 20 and npm are needed");
        return None;
    }
    let installed = web.join("node_modules/.package-lock.json");
    let stale = match (modified(&installed), modified(&web.join("package-lock.json"))) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale && !run(web, "npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"]) {
        panic!("`npm ci` failed in web/: the web client's packages could not be installed");
    }
    let out = dist.display().to_string();
    let vite = ["node_modules/vite/bin/vite.js", "build", "--outDir", &out, "--emptyOutDir", "--logLevel", "warn"];
    if !run(web, "node", &vite) {
        panic!("the web client failed to build: run `npm run build` in web/ to see why");
    }
    Some(dist.to_path_buf())
}

fn run(dir: &Path, program: &str, args: &[&str]) -> bool {
    let quiet = args == ["--version"];
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    if quiet {
        command.stdout(std::process::Stdio::null());
    }
    command.status().is_ok_and(|s| s.success())
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Every file under `dir`, as (URL path from `root`, file).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("a file under the client's root");
            files.push((format!("/{}", relative.display()), path));
        }
    }
}

/// `files.rs`: `FILES`, each `(URL path, plain bytes, gzipped bytes)`.
fn write_table(out: &Path, files: &[(String, PathBuf)]) {
    let mut table = String::from("pub static FILES: &[(&str, &[u8], &[u8])] = &[\n");
    for (url, file) in files {
        let gzipped = out.join(format!("gz{}", url.replace('/', "_")));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&std::fs::read(file).expect("a built file")).expect("gzip");
        std::fs::write(&gzipped, encoder.finish().expect("gzip")).expect("gzipped file written");
        let (plain, gzipped) = (file.display().to_string(), gzipped.display().to_string());
        table.push_str(&format!("    ({url:?}, include_bytes!({plain:?}), include_bytes!({gzipped:?})),\n"));
    }
    table.push_str("];\n");
    std::fs::write(out.join("files.rs"), table).expect("files.rs written");
}
