//! Where each kind of media lives in blob storage. The layout mirrors the public URLs
//! (`/attachments/{channel}/{attachment}/{filename}`, `/icons/{guild}/{hash}.png`,
//! `/emojis/{id}.png`, ...), so
//! serving is a lookup with no index.

use accord_blobs::BlobKey;
use accord_core::Snowflake;

use crate::filename::sanitize;

/// `attachments/{channel}/{attachment}/{filename}`, the filename sanitized.
pub fn attachment(channel: Snowflake, attachment: Snowflake, filename: &str) -> BlobKey {
    key(format!("attachments/{channel}/{attachment}/{}", sanitize(filename)))
}

/// `icons/{guild}/{hash}`: a guild icon, by its [`image_hash`](crate::image_hash).
pub fn icon(guild: Snowflake, hash: &str) -> BlobKey {
    key(format!("icons/{guild}/{}", sanitize(hash)))
}

/// `channel-icons/{channel}/{hash}`: a group DM's icon, by its [`image_hash`](crate::image_hash).
pub fn channel_icon(channel: Snowflake, hash: &str) -> BlobKey {
    key(format!("channel-icons/{channel}/{}", sanitize(hash)))
}

/// `avatars/{user}/{hash}`: a user avatar, by its [`image_hash`](crate::image_hash).
pub fn avatar(user: Snowflake, hash: &str) -> BlobKey {
    key(format!("avatars/{user}/{}", sanitize(hash)))
}

/// `banners/{user}/{hash}`: a user's profile banner, by its [`image_hash`](crate::image_hash).
pub fn banner(user: Snowflake, hash: &str) -> BlobKey {
    key(format!("banners/{user}/{}", sanitize(hash)))
}

/// `emojis/{id}`: a guild's custom emoji, by its id.
pub fn emoji(id: Snowflake) -> BlobKey {
    key(format!("emojis/{id}"))
}

/// `attachments/{channel}`: the prefix of every attachment of a channel.
pub fn attachments_of(channel: Snowflake) -> BlobKey {
    key(format!("attachments/{channel}"))
}

/// `icons/{guild}`: the prefix of every icon a guild had.
pub fn icons_of(guild: Snowflake) -> BlobKey {
    key(format!("icons/{guild}"))
}

/// Every key above is a fixed prefix, decimal ids and one sanitized segment (non-empty, no
/// leading dot, only `[A-Za-z0-9._-]`, at most 100 characters), always a valid key.
fn key(raw: String) -> BlobKey {
    BlobKey::parse(raw).expect("ids and sanitized segments always form a valid blob key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: u64) -> Snowflake {
        Snowflake::new(raw).expect("non-zero")
    }

    #[test]
    fn keys_follow_the_url_layout() {
        assert_eq!(attachment(id(1), id(2), "cat.png").as_str(), "attachments/1/2/cat.png");
        assert_eq!(
            icon(id(3), "0123456789abcdef0123456789abcdef").as_str(),
            "icons/3/0123456789abcdef0123456789abcdef"
        );
        assert_eq!(avatar(id(4), "ff").as_str(), "avatars/4/ff");
    }

    #[test]
    fn hostile_names_stay_inside_their_prefix() {
        assert_eq!(attachment(id(1), id(2), "../../../secret").as_str(), "attachments/1/2/secret");
        assert_eq!(icon(id(3), "../x").as_str(), "icons/3/x");
        assert_eq!(avatar(id(4), "").as_str(), "avatars/4/unknown");
        let long = attachment(id(i64::MAX as u64), id(i64::MAX as u64), &"n".repeat(5000));
        assert!(long.as_str().len() < accord_blobs::key::MAX_KEY_LEN);
    }
}
