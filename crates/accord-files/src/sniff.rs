//! Content types from the bytes themselves. The type a client declares is never trusted: a file
//! is served with the type its magic bytes show, and anything a browser could run as a page
//! (HTML, SVG, XML, scripts) comes out as plain text or an opaque download.

/// Served to browsers as text, never as markup.
pub const TEXT: &str = "text/plain; charset=utf-8";
/// Anything not recognised.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The raster image types Accord measures and shows inline.
const IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Types a browser may show inside the page: images, video and audio its media elements play.
const INLINE_SAFE: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/flac",
];

/// Every type [`sniff`] can answer.
const KNOWN: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "image/avif",
    "image/heic",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/ogg",
    "audio/mp4",
    "audio/mpeg",
    "audio/aac",
    "audio/ogg",
    "audio/wav",
    "audio/flac",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-7z-compressed",
    "application/vnd.rar",
    "text/csv; charset=utf-8",
    "text/markdown; charset=utf-8",
    TEXT,
    OCTET_STREAM,
];

/// The content type of `bytes`, from their magic bytes. `filename` only refines plain text
/// (`.csv`, `.md`), never turns text into markup. Text is valid UTF-8 without NUL; anything
/// else unrecognised is [`OCTET_STREAM`].
pub fn sniff(bytes: &[u8], filename: &str) -> &'static str {
    if let Some(ct) = magic(bytes) {
        return ct;
    }
    // A head cut off mid-character still reads as text: only an invalid sequence before the
    // end (`error_len` set) makes it binary.
    let text = match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if !bytes.contains(&0) && text {
        let ext = filename.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
        return match ext.as_deref() {
            Some("csv") => "text/csv; charset=utf-8",
            Some("md" | "markdown") => "text/markdown; charset=utf-8",
            _ => TEXT,
        };
    }
    OCTET_STREAM
}

/// Whether a browser may show `content_type` in the page (`Content-Disposition: inline`);
/// everything else is served as a download.
pub fn is_inline_safe(content_type: &str) -> bool {
    INLINE_SAFE.contains(&content_type)
}

/// Whether `content_type` is a raster image Accord measures (PNG, JPEG, GIF, WebP).
pub fn is_image(content_type: &str) -> bool {
    IMAGES.contains(&content_type)
}

/// Whether `content_type` is one [`sniff`] can answer, so safe to send as stored.
pub fn is_known(content_type: &str) -> bool {
    known(content_type).is_some()
}

/// `content_type` as the constant [`sniff`] answers, if it is one.
pub fn known(content_type: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|known| *known == content_type)
}

/// The type the leading bytes identify, if any.
fn magic(b: &[u8]) -> Option<&'static str> {
    let ct = match b {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => "image/png",
        [0xff, 0xd8, 0xff, ..] => "image/jpeg",
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => "audio/wav",
        [b'B', b'M', ..] if is_bmp(b) => "image/bmp",
        [b'I', b'I', 0x2a, 0x00, ..] | [b'M', b'M', 0x00, 0x2a, ..] => "image/tiff",
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => iso_media(b),
        [0x1a, 0x45, 0xdf, 0xa3, ..] => matroska(b),
        [b'O', b'g', b'g', b'S', ..] => ogg(b),
        [b'I', b'D', b'3', ..] => "audio/mpeg",
        // An MPEG audio frame header: 11 sync bits, then layer III (MP3) or layer 0 (AAC ADTS).
        [0xff, second, ..] if second & 0xe0 == 0xe0 && second & 0x06 == 0x02 => "audio/mpeg",
        [0xff, second, ..] if second & 0xf6 == 0xf0 => "audio/aac",
        [b'f', b'L', b'a', b'C', ..] => "audio/flac",
        [b'%', b'P', b'D', b'F', b'-', ..] => "application/pdf",
        [b'P', b'K', 0x03, 0x04, ..] | [b'P', b'K', 0x05, 0x06, ..] | [b'P', b'K', 0x07, 0x08, ..] => "application/zip",
        [0x1f, 0x8b, ..] => "application/gzip",
        [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, ..] => "application/x-7z-compressed",
        [b'R', b'a', b'r', b'!', 0x1a, 0x07, ..] => "application/vnd.rar",
        _ => return None,
    };
    Some(ct)
}

/// `BM` alone is too weak (plain text may start so): also require zero reserved bytes and a
/// known DIB header size.
fn is_bmp(b: &[u8]) -> bool {
    let reserved_zero = b.get(6..10) == Some(&[0, 0, 0, 0]);
    let dib = b.get(14..18).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
    reserved_zero && matches!(dib, Some(12 | 40 | 52 | 56 | 64 | 108 | 124))
}

/// ISO base media (`ftyp` box): the major brand tells MP4 video from audio, QuickTime and
/// still-image formats.
fn iso_media(b: &[u8]) -> &'static str {
    match b.get(8..12) {
        Some(b"qt  ") => "video/quicktime",
        Some(b"M4A " | b"M4B ") => "audio/mp4",
        Some(b"avif" | b"avis") => "image/avif",
        Some(b"heic" | b"heix" | b"mif1" | b"msf1") => "image/heic",
        _ => "video/mp4",
    }
}

/// EBML: WebM declares its doctype near the start; other Matroska files are not WebM.
fn matroska(b: &[u8]) -> &'static str {
    let head = &b[..b.len().min(64)];
    if head.windows(4).any(|w| w == b"webm") { "video/webm" } else { "video/x-matroska" }
}

/// Ogg: the first packet names the codec; Theora is video, everything else audio.
fn ogg(b: &[u8]) -> &'static str {
    let head = &b[..b.len().min(64)];
    if head.windows(7).any(|w| w == b"\x80theora") { "video/ogg" } else { "audio/ogg" }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn magic_bytes_decide_the_type() {
        let cases: &[(&[u8], &str)] = &[
            (PNG, "image/png"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
            (b"GIF89a\x01\0\x01\0", "image/gif"),
            (b"GIF87a\x01\0\x01\0", "image/gif"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
            (b"RIFF\x24\0\0\0WAVEfmt ", "audio/wav"),
            (b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", "image/bmp"),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", "video/mp4"),
            (b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime"),
            (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
            (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
            (b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\x1evorbis", "audio/ogg"),
            (b"ID3\x04\0\0\0\0\0\0", "audio/mpeg"),
            (b"\xff\xfb\x90\x64\0\0", "audio/mpeg"),
            (b"fLaC\0\0\0\x22", "audio/flac"),
            (b"%PDF-1.7\n", "application/pdf"),
            (b"PK\x03\x04\x14\0\0\0", "application/zip"),
            (b"\x1f\x8b\x08\0", "application/gzip"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes, "whatever.bin"), *expected, "{bytes:?}");
            assert!(is_known(expected));
        }
    }

    #[test]
    fn markup_is_never_served_as_markup() {
        for doc in [
            "<!doctype html><script>alert(1)</script>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "<?xml version=\"1.0\"?><x/>",
        ] {
            for name in ["a.html", "a.svg", "a.png", "a.xml"] {
                assert_eq!(sniff(doc.as_bytes(), name), TEXT);
            }
        }
    }

    #[test]
    fn text_binary_and_hints() {
        assert_eq!(sniff("héllo wörld".as_bytes(), "a.txt"), TEXT);
        assert_eq!(sniff(b"a,b\n1,2\n", "data.CSV"), "text/csv; charset=utf-8");
        assert_eq!(sniff(b"# Title\n", "README.md"), "text/markdown; charset=utf-8");
        assert_eq!(sniff(b"text\0with nul", "a.txt"), OCTET_STREAM);
        assert_eq!(sniff(b"\xc3\x28 invalid utf-8", "a.txt"), OCTET_STREAM);
        // Text that happens to start with "BM" stays text.
        assert_eq!(sniff(b"BMW owners club minutes", "a.txt"), TEXT);
        // A declared name never makes bytes an image.
        assert_eq!(sniff(b"hello", "cat.png"), TEXT);
    }

    #[test]
    fn only_media_is_inline() {
        for ct in ["image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm"] {
            assert!(is_inline_safe(ct), "{ct}");
        }
        for ct in [TEXT, OCTET_STREAM, "text/html", "image/svg+xml", "application/pdf", "image/bmp", "image/png; x=y"] {
            assert!(!is_inline_safe(ct), "{ct}");
        }
        assert!(is_image("image/webp") && !is_image("image/bmp") && !is_image("video/mp4"));
        assert!(!is_known("text/html") && !is_known("image/svg+xml"));
    }
}
