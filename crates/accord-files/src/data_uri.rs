//! Avatars and icons arrive as `data:image/png;base64,...` strings inside JSON bodies
//! (`PATCH /users/@me`, `POST /guilds`, ...). This reads one into bytes that are really a raster
//! image of sane dimensions, names it by its content hash and stores it.

use std::fmt::Write as _;

use accord_blobs::{BlobKey, BlobStore};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::error::MediaError;
use crate::limits::UploadLimits;
use crate::{image, sniff};

/// Standard base64; clients differ on padding, so it is optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The declared types accepted; the bytes are checked regardless.
const DECLARED: &[&str] = &["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp"];

/// The largest icon or avatar accepted, decoded, as Discord has it (10 MiB).
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// The body limit of a JSON request carrying one image data URI: the largest image in base64
/// and room for the rest. Routes taking images replace the edge's general limit with it.
pub const MAX_IMAGE_BODY_BYTES: usize = MAX_IMAGE_BYTES.div_ceil(3) * 4 + 64 * 1024;

/// The image in a `data:image/{png,jpeg,gif,webp};base64,...` URI. The declared type is not
/// trusted: the decoded bytes must sniff as one of those raster types and declare dimensions
/// within [`UploadLimits::default`]. Over `max_bytes` decoded is [`MediaError::FileTooLarge`],
/// checked on the base64 length before decoding; an image that is too large in pixels is
/// [`MediaError::ImageTooLarge`]; anything else wrong is [`MediaError::InvalidImage`]. Callers
/// name the field with [`MediaError::in_field`].
pub fn parse_image_data_uri(uri: &str, max_bytes: usize) -> Result<Bytes, MediaError> {
    let rest = strip_prefix_ignore_case(uri, "data:").ok_or(MediaError::InvalidImage)?;
    let (meta, payload) = rest.split_once(',').ok_or(MediaError::InvalidImage)?;
    let (declared, encoding) = meta.split_once(';').ok_or(MediaError::InvalidImage)?;
    let declared_ok = DECLARED.iter().any(|d| d.eq_ignore_ascii_case(declared));
    if !declared_ok || !encoding.eq_ignore_ascii_case("base64") {
        return Err(MediaError::InvalidImage);
    }
    if payload.len() > max_bytes.div_ceil(3).saturating_mul(4) {
        return Err(MediaError::FileTooLarge { max_bytes });
    }
    let bytes = BASE64.decode(payload).map_err(|_| MediaError::InvalidImage)?;
    if bytes.len() > max_bytes {
        return Err(MediaError::FileTooLarge { max_bytes });
    }
    let content_type = sniff::sniff(&bytes, "");
    if !sniff::is_image(content_type) {
        return Err(MediaError::InvalidImage);
    }
    match image::dimensions(&bytes, content_type, &UploadLimits::default())? {
        Some(_) => Ok(Bytes::from(bytes)),
        None => Err(MediaError::InvalidImage),
    }
}

/// The hash an avatar or icon is known by: 32 lowercase hex digits, the first 16 bytes of the
/// SHA-256 of its bytes, so the same image always gets the same name.
pub fn image_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..16].iter().fold(String::with_capacity(32), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// Stores an image under `key` with its sniffed content type; bytes that are not a raster
/// image are refused ([`MediaError::InvalidImage`]), so nothing else is ever served as one.
pub async fn store_image(blobs: &dyn BlobStore, key: BlobKey, bytes: Bytes) -> Result<(), MediaError> {
    let content_type = sniff::sniff(&bytes, "");
    if !sniff::is_image(content_type) {
        return Err(MediaError::InvalidImage);
    }
    blobs.put(&key, bytes, content_type).await?;
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::fixtures::{gif, png};

    fn uri(declared: &str, bytes: &[u8]) -> String {
        format!("data:{declared};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    #[test]
    fn a_real_image_parses_whatever_raster_type_is_declared() {
        let bytes = png(128, 128);
        assert_eq!(parse_image_data_uri(&uri("image/png", &bytes), 1024).as_deref(), Ok(&bytes[..]));
        // Declared as JPEG, sniffed as PNG: still an image, stored as what it is.
        assert_eq!(parse_image_data_uri(&uri("IMAGE/JPEG", &bytes), 1024).as_deref(), Ok(&bytes[..]));
        let unpadded = uri("image/gif", &gif(10, 10)).trim_end_matches('=').to_owned();
        assert!(parse_image_data_uri(&unpadded, 1024).is_ok());
    }

    #[test]
    fn anything_that_is_not_a_raster_image_is_refused() {
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
        assert_eq!(parse_image_data_uri(&uri("image/png", svg), 1024), Err(MediaError::InvalidImage));
        assert_eq!(parse_image_data_uri(&uri("image/svg+xml", &png(1, 1)), 1024), Err(MediaError::InvalidImage));
        assert_eq!(parse_image_data_uri(&uri("text/html", &png(1, 1)), 1024), Err(MediaError::InvalidImage));
        for bad in ["", "data:", "image/png;base64,AAAA", "data:image/png,AAAA", "data:image/png;base64,!!!!"] {
            assert_eq!(parse_image_data_uri(bad, 1024), Err(MediaError::InvalidImage), "{bad:?}");
        }
        // A PNG signature with no readable header.
        assert_eq!(parse_image_data_uri(&uri("image/png", b"\x89PNG\r\n\x1a\n"), 1024), Err(MediaError::InvalidImage));
    }

    #[test]
    fn size_and_dimension_limits_hold() {
        let big = png(10, 10);
        assert_eq!(
            parse_image_data_uri(&uri("image/png", &big), big.len() - 1),
            Err(MediaError::FileTooLarge { max_bytes: big.len() - 1 })
        );
        // Far over the limit is refused on length alone, before decoding.
        let huge = format!("data:image/png;base64,{}", "A".repeat(1_000_000));
        assert_eq!(parse_image_data_uri(&huge, 1024), Err(MediaError::FileTooLarge { max_bytes: 1024 }));
        assert_eq!(parse_image_data_uri(&uri("image/png", &png(60_000, 60_000)), 1024), Err(MediaError::ImageTooLarge));
    }

    #[test]
    fn hashes_are_32_lowercase_hex_and_stable() {
        let hash = image_hash(b"abc");
        // SHA-256("abc") starts ba7816bf 8f01cfea 414140de 5dae2223.
        assert_eq!(hash, "ba7816bf8f01cfea414140de5dae2223");
        assert_ne!(image_hash(b"abd"), hash);
    }
}
