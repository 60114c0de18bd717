//! [`UploadLimits`]: how much a client may upload in one message, and how large an image may
//! claim to be.

/// One MiB.
const MIB: u64 = 1024 * 1024;

/// Caps on one upload. The defaults follow Discord's for a user without Nitro where it has one
/// (25 MiB a file, 10 files) and are generous elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest sum of the files of one message, in bytes.
    pub max_message_bytes: u64,
    /// Most files in one message.
    pub max_files: usize,
    /// Largest `payload_json` part (or JSON body), in bytes.
    pub max_payload_json_bytes: usize,
    /// Most pixels (width times height) an image may declare; larger ones are refused, since
    /// anything that later decodes them (a thumbnailer, a browser) would need that much memory.
    pub max_image_pixels: u64,
    /// Longest side, in pixels, an image may declare.
    pub max_image_side: u32,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 25 * MIB,
            max_message_bytes: 50 * MIB,
            max_files: 10,
            max_payload_json_bytes: 64 * 1024,
            max_image_pixels: 100_000_000,
            max_image_side: 16_384,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let limits = UploadLimits::default();
        assert_eq!(limits.max_file_bytes, 26_214_400);
        assert_eq!(limits.max_message_bytes, 52_428_800);
        assert_eq!(limits.max_files, 10);
        assert_eq!(limits.max_payload_json_bytes, 65_536);
        assert_eq!(limits.max_image_pixels, 100_000_000);
        assert_eq!(limits.max_image_side, 16_384);
    }
}
