//! Image dimensions from the header alone. No pixels are decoded, so a header that lies about
//! its size costs nothing; a declared size over the limits is refused, so nothing that later
//! decodes the image (a thumbnailer, a client) is handed a decompression bomb.

use crate::error::MediaError;
use crate::limits::UploadLimits;
use crate::sniff;

/// `(width, height)` of an image, `Ok(None)` for anything that is not one of the raster types
/// (see [`sniff::is_image`]) or whose header cannot be read (it is still stored, as a plain
/// file without dimensions). An image declaring a side over `max_image_side` or more than
/// `max_image_pixels` pixels is [`MediaError::ImageTooLarge`].
pub fn dimensions(bytes: &[u8], content_type: &str, limits: &UploadLimits) -> Result<Option<(u32, u32)>, MediaError> {
    if !sniff::is_image(content_type) {
        return Ok(None);
    }
    let Ok(size) = imagesize::blob_size(bytes) else {
        return Ok(None);
    };
    let (width, height) = (size.width as u64, size.height as u64);
    if width == 0 || height == 0 {
        return Ok(None);
    }
    let side = u64::from(limits.max_image_side);
    if width > side || height > side || width.saturating_mul(height) > limits.max_image_pixels {
        return Err(MediaError::ImageTooLarge);
    }
    // Both sides are at most `max_image_side`, a u32.
    Ok(u32::try_from(width).ok().zip(u32::try_from(height).ok()))
}

/// Hand-built image headers for tests: enough bytes for a header reader, no pixels.
#[cfg(test)]
pub(crate) mod fixtures {
    /// A PNG signature and IHDR chunk declaring `width` x `height`.
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        // Bit depth 8, colour type 6 (RGBA), then compression, filter, interlace and a CRC
        // nobody checks.
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    /// A GIF header declaring a `width` x `height` logical screen.
    pub fn gif(width: u16, height: u16) -> Vec<u8> {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&width.to_le_bytes());
        gif.extend_from_slice(&height.to_le_bytes());
        gif.extend_from_slice(&[0, 0, 0]);
        gif
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{gif, png};
    use super::*;

    fn measure(bytes: &[u8]) -> Result<Option<(u32, u32)>, MediaError> {
        dimensions(bytes, sniff::sniff(bytes, "x"), &UploadLimits::default())
    }

    #[test]
    fn headers_give_dimensions() {
        assert_eq!(measure(&png(640, 480)), Ok(Some((640, 480))));
        assert_eq!(measure(&gif(32, 16)), Ok(Some((32, 16))));
    }

    #[test]
    fn a_lying_header_is_refused_without_decoding() {
        assert_eq!(measure(&png(60_000, 60_000)), Err(MediaError::ImageTooLarge));
        // Within the side limit, over the pixel limit.
        assert_eq!(measure(&png(16_000, 16_000)), Err(MediaError::ImageTooLarge));
        assert_eq!(measure(&png(16_385, 1)), Err(MediaError::ImageTooLarge));
        assert_eq!(measure(&gif(65_535, 2)), Err(MediaError::ImageTooLarge));
        assert_eq!(measure(&png(16_384, 6_000)), Ok(Some((16_384, 6_000))));
    }

    #[test]
    fn limits_are_the_callers() {
        let small = UploadLimits { max_image_side: 100, max_image_pixels: 5_000, ..UploadLimits::default() };
        assert_eq!(dimensions(&png(100, 50), "image/png", &small), Ok(Some((100, 50))));
        assert_eq!(dimensions(&png(100, 51), "image/png", &small), Err(MediaError::ImageTooLarge));
        assert_eq!(dimensions(&png(101, 1), "image/png", &small), Err(MediaError::ImageTooLarge));
    }

    #[test]
    fn non_images_and_unreadable_headers_have_no_dimensions() {
        assert_eq!(measure(b"just text"), Ok(None));
        assert_eq!(dimensions(&png(10, 10), "application/octet-stream", &UploadLimits::default()), Ok(None));
        // A PNG signature cut short before the IHDR size.
        assert_eq!(measure(b"\x89PNG\r\n\x1a\n\0\0"), Ok(None));
        assert_eq!(measure(&png(0, 10)), Ok(None));
    }
}
