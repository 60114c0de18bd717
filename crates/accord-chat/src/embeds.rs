//! Embeds from bots and webhooks: Discord's shape and limits (10 per message, 6000 characters
//! across them, per-field limits), links only over http(s) (or `attachment://` for files of
//! the same message). Unknown fields are dropped, so what is stored is what this module knows.

use serde::{Deserialize, Serialize};

use crate::error::ChatError;

pub const MAX_EMBEDS: usize = 10;
/// Characters across titles, descriptions, field names and values, footers and author names.
pub const MAX_TOTAL_CHARS: usize = 6000;
pub const MAX_FIELDS: usize = 25;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Embed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(rename = "type", default = "rich", skip_deserializing)]
    kind: &'static str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    footer: Option<Footer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    thumbnail: Option<Media>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<Author>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<Field>,
}

fn rich() -> &'static str {
    "rich"
}

#[derive(Debug, Deserialize, Serialize)]
struct Footer {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icon_url: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Media {
    url: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct Author {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icon_url: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct Field {
    name: String,
    value: String,
    #[serde(default)]
    inline: bool,
}

/// Checks the embeds against Discord's limits and returns them as the JSON array to store.
pub fn validate(embeds: Vec<serde_json::Value>) -> Result<String, ChatError> {
    if embeds.len() > MAX_EMBEDS {
        return Err(invalid("embeds", "Must be 10 or fewer in length."));
    }
    let mut parsed = Vec::with_capacity(embeds.len());
    let mut total = 0;
    for value in embeds {
        let embed: Embed =
            serde_json::from_value(value).map_err(|_| invalid("embeds", "Each embed must be an embed object."))?;
        total += embed.check()?;
        parsed.push(embed);
    }
    if total > MAX_TOTAL_CHARS {
        return Err(invalid("embeds", "Embed size exceeds maximum size of 6000"));
    }
    Ok(serde_json::to_string(&parsed).expect("embeds always serialise"))
}

impl Embed {
    /// Checks each field's limit; returns the characters that count toward the total.
    fn check(&self) -> Result<usize, ChatError> {
        let mut counted = 0;
        let mut text = |value: Option<&str>, max: usize, field: &'static str| {
            let chars = value.map_or(0, |v| v.chars().count());
            counted += chars;
            if chars > max { Err(invalid(field, "Must be shorter.")) } else { Ok(()) }
        };
        text(self.title.as_deref(), 256, "embeds.title")?;
        text(self.description.as_deref(), 4096, "embeds.description")?;
        text(self.footer.as_ref().map(|f| f.text.as_str()), 2048, "embeds.footer.text")?;
        text(self.author.as_ref().map(|a| a.name.as_str()), 256, "embeds.author.name")?;
        if self.fields.len() > MAX_FIELDS {
            return Err(invalid("embeds.fields", "Must be 25 or fewer in length."));
        }
        for field in &self.fields {
            text(Some(&field.name), 256, "embeds.fields.name")?;
            text(Some(&field.value), 1024, "embeds.fields.value")?;
        }
        let links = [
            self.url.as_deref(),
            self.footer.as_ref().and_then(|f| f.icon_url.as_deref()),
            self.image.as_ref().map(|m| m.url.as_str()),
            self.thumbnail.as_ref().map(|m| m.url.as_str()),
            self.author.as_ref().and_then(|a| a.url.as_deref()),
            self.author.as_ref().and_then(|a| a.icon_url.as_deref()),
        ];
        if links.into_iter().flatten().any(|url| !is_safe_url(url)) {
            return Err(invalid("embeds.url", "Scheme must be one of ('http', 'https', 'attachment')."));
        }
        if self.timestamp.as_deref().is_some_and(|t| accord_core::time::parse_timestamp(t).is_none()) {
            return Err(invalid("embeds.timestamp", "Could not parse the timestamp."));
        }
        if self.color.is_some_and(|c| c > 0xFF_FFFF) {
            return Err(invalid("embeds.color", "Must be between 0 and 16777215."));
        }
        Ok(counted)
    }
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    url.len() <= 2048 && ["http://", "https://", "attachment://"].iter().any(|scheme| lower.starts_with(scheme))
}

fn invalid(field: &'static str, message: &'static str) -> ChatError {
    ChatError::InvalidField { field, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn embeds_within_the_limits_are_kept_and_unknown_fields_dropped() {
        let stored = validate(vec![json!({"title": "t", "fields": [{"name": "n", "value": "v"}], "x": 1})]).unwrap();
        assert_eq!(stored, r#"[{"title":"t","type":"rich","fields":[{"name":"n","value":"v","inline":false}]}]"#);
        assert_eq!(validate(vec![]).unwrap(), "[]");
    }

    #[test]
    fn limits_and_unsafe_links_are_refused() {
        let eleven = vec![json!({}); 11];
        assert!(validate(eleven).is_err());
        assert!(validate(vec![json!({"title": "x".repeat(257)})]).is_err());
        let big = json!({"description": "x".repeat(4000)});
        assert!(validate(vec![big.clone(), big]).is_err(), "6000 characters in total");
        let fields: Vec<_> = (0..26).map(|_| json!({"name": "n", "value": "v"})).collect();
        assert!(validate(vec![json!({ "fields": fields })]).is_err());
        assert!(validate(vec![json!({"url": "javascript:alert(1)"})]).is_err());
        assert!(validate(vec![json!({"image": {"url": "data:text/html,<b>"}})]).is_err());
        assert!(validate(vec![json!({"color": 16777216})]).is_err());
        assert!(validate(vec![json!("not an object")]).is_err());
    }
}
