//! Upload file names made safe to keep and to echo: one blob key segment, one URL path segment
//! and a quoted `Content-Disposition` filename, all without escaping.

/// The longest name kept, in characters.
pub const MAX_LEN: usize = 100;

/// An extension longer than this is not worth keeping when a name is cut.
const MAX_EXT_LEN: usize = 16;

/// What an empty name becomes.
const UNKNOWN: &str = "unknown";

/// A safe version of the client's file name: the last path component (after `/` or `\`),
/// control characters dropped, anything but ASCII letters, digits, `.`, `-` and `_` replaced by
/// `_`, leading dots removed (no hidden files, no `.` or `..`), at most [`MAX_LEN`] characters
/// keeping the extension, and `unknown` when nothing is left.
pub fn sanitize(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        return UNKNOWN.to_owned();
    }
    truncate(trimmed)
}

/// Cuts an ASCII name to [`MAX_LEN`], keeping a short extension.
fn truncate(name: &str) -> String {
    if name.len() <= MAX_LEN {
        return name.to_owned();
    }
    match name.rfind('.') {
        Some(dot) if name.len() - dot <= MAX_EXT_LEN => {
            let ext = &name[dot..];
            format!("{}{ext}", &name[..MAX_LEN - ext.len()])
        }
        _ => name[..MAX_LEN].to_owned(),
    }
}

/// Whether `name` is what [`sanitize`] would make of it, so it names an upload as stored.
pub fn is_sanitized(name: &str) -> bool {
    sanitize(name) == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_kept() {
        for name in ["cat.png", "report-2024_final.v2.pdf", "README", "a"] {
            assert_eq!(sanitize(name), name);
            assert!(is_sanitized(name));
        }
    }

    #[test]
    fn paths_lose_their_directories() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(sanitize("C:\\x"), "x");
        assert_eq!(sanitize("C:x"), "C_x");
        assert_eq!(sanitize("dir\\sub/..\\file.txt"), "file.txt");
        assert_eq!(sanitize(".."), "unknown");
        assert_eq!(sanitize("uploads/"), "unknown");
        assert_eq!(sanitize("...hidden"), "hidden");
    }

    #[test]
    fn control_characters_and_punctuation_go() {
        assert_eq!(sanitize("a\0b.png"), "ab.png");
        assert_eq!(sanitize("evil\r\nSet-Cookie: x=1.txt"), "evilSet-Cookie__x_1.txt");
        assert_eq!(sanitize("my cat \"Tom\";.png"), "my_cat__Tom__.png");
        assert_eq!(sanitize("%2e%2e#frag?.png"), "_2e_2e_frag_.png");
        assert_eq!(sanitize("\0\r\n"), "unknown");
        assert_eq!(sanitize(""), "unknown");
    }

    #[test]
    fn unicode_becomes_one_underscore_per_character() {
        assert_eq!(sanitize("café.png"), "caf_.png");
        assert_eq!(sanitize("日本語.txt"), "___.txt");
        assert_eq!(sanitize("\u{202e}gnp.exe"), "_gnp.exe");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.png", "a".repeat(10_000));
        let cut = sanitize(&long);
        assert_eq!(cut.len(), MAX_LEN);
        assert!(cut.ends_with(".png") && cut.starts_with("aaa"));
        let no_ext = "b".repeat(10_000);
        assert_eq!(sanitize(&no_ext), "b".repeat(MAX_LEN));
        let long_ext = format!("x.{}", "e".repeat(200));
        assert_eq!(sanitize(&long_ext).len(), MAX_LEN);
        assert!(is_sanitized(&cut));
    }

    #[test]
    fn results_are_valid_key_segments_and_header_safe() {
        for name in ["../../etc/passwd", "a\0b", "x\"y", "日本", "..", ".", "a/b/../..", &"z".repeat(5000)] {
            let safe = sanitize(name);
            assert!(!safe.is_empty() && safe.len() <= MAX_LEN, "{safe:?}");
            assert!(safe.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)), "{safe:?}");
            assert!(!safe.starts_with('.'), "{safe:?}");
            assert!(accord_blobs::BlobKey::parse(format!("attachments/1/2/{safe}")).is_ok(), "{safe:?}");
            assert_eq!(sanitize(&safe), safe, "sanitizing twice changes nothing");
        }
    }
}
