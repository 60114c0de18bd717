//! The server secret that signs tokens, kept in the data directory so that a restart keeps
//! everyone logged in. Made on first start with owner-only permissions.

use std::path::Path;

use anyhow::Context;

const FILE: &str = "secret.key";

/// The configured secret file's secret, or the data directory's (made if missing).
pub fn load(config: &crate::Config) -> anyhow::Result<Vec<u8>> {
    match &config.secret_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            parse(&text).with_context(|| format!("in {}", path.display()))
        }
        None => load_or_create(&config.data_dir),
    }
}

fn parse(text: &str) -> anyhow::Result<Vec<u8>> {
    let bytes = decode_hex(text.trim()).context("the secret is not hex")?;
    anyhow::ensure!(bytes.len() >= 32, "the secret holds fewer than 32 bytes");
    Ok(bytes)
}

/// Reads the secret, making it first if it does not exist.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return parse(&text).context("in secret.key");
    }
    let secret = accord_core::token::random_secret();
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &hex).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret.to_vec())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_secret_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = super::load_or_create(dir.path()).unwrap();
        assert_eq!(first.len(), 32);
        assert_eq!(super::load_or_create(dir.path()).unwrap(), first);
    }
}
