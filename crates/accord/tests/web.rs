//! The web client end to end: `web/e2e/run.mjs` drives Debian's Chromium (playwright-core,
//! fake media devices) through two people's sessions against this binary. Screenshots of the
//! main screens land in `target/e2e-screenshots`. Skipped without Node.js or Chromium unless
//! the environment requires every service (`ACCORD_TEST_REQUIRE_SERVICES=1`).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_accord");

fn chromium() -> String {
    std::env::var("ACCORD_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

#[test]
fn two_people_use_the_web_client_in_chromium() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let browser = Path::new(&chromium()).exists();
    let playwright = web.join("node_modules/playwright-core").exists();
    if !(node && browser && playwright) {
        let required = std::env::var("ACCORD_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
        assert!(!required, "the web tests need node, web/node_modules and {}", chromium());
        eprintln!("skipped: node, web/node_modules or {} is missing", chromium());
        return;
    }
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    let status = Command::new("node")
        .arg("e2e/run.mjs")
        .current_dir(&web)
        .env("ACCORD_BIN", BIN)
        .env("ACCORD_TEST_CHROMIUM", chromium())
        .env("ACCORD_E2E_SCREENSHOTS", &shots)
        .status()
        .expect("node runs");
    assert!(status.success(), "the end-to-end run failed (screenshots in {})", shots.display());
}
