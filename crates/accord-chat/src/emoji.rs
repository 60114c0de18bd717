//! The `{emoji}` of reaction routes: a Unicode emoji (URL-encoded by the client), or a custom
//! emoji as `name:id`.

use accord_core::Snowflake;
use accord_store::ReactionEmoji;

use crate::error::ChatError;

/// Parses a route's emoji; anything that is not an emoji is Unknown Emoji (10014).
pub fn parse(text: &str) -> Result<ReactionEmoji, ChatError> {
    if let Some((name, id)) = text.rsplit_once(':') {
        let id: Snowflake = id.parse().map_err(|_| ChatError::UnknownEmoji)?;
        let name = name.trim_start_matches("a:");
        if !accord_core::names::is_emoji_name(name) {
            return Err(ChatError::UnknownEmoji);
        }
        return Ok(ReactionEmoji { id: Some(id), name: name.to_owned(), animated: text.starts_with("a:") });
    }
    let known = emojis::get(text).or_else(|| emojis::get(&format!("{text}\u{fe0f}")));
    match known {
        Some(_) => Ok(ReactionEmoji { id: None, name: text.to_owned(), animated: false }),
        None => Err(ChatError::UnknownEmoji),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn unicode_and_custom_emoji_parse_and_the_rest_is_refused() {
        assert_eq!(parse("👍").unwrap().key(), "👍");
        assert_eq!(parse("❤").unwrap().name, "❤", "without the variation selector");
        assert_eq!(parse("👍🏽").unwrap().name, "👍🏽", "with a skin tone");
        let custom = parse("party_parrot:123456789012345678").unwrap();
        assert_eq!((custom.key().as_str(), custom.name.as_str()), ("123456789012345678", "party_parrot"));
        for bad in ["", "a", "hello", "👍👍", "<script>", "x:abc", "../x", "name:0", "n:1"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
