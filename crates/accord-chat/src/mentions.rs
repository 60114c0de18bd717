//! Finds mentions in content: `<@id>` / `<@!id>` (users), `<@&id>` (roles), and `@everyone` /
//! `@here`. Which of them take effect (members only, roles of the guild, MENTION_EVERYONE)
//! is decided by the caller.

use accord_core::Snowflake;

/// Mentions as written, deduplicated, in order of appearance.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    pub users: Vec<Snowflake>,
    pub roles: Vec<Snowflake>,
    pub everyone: bool,
}

/// At most this many user or role mentions are honoured per message.
const MAX_MENTIONS: usize = 100;

pub fn parse(content: &str) -> Mentions {
    let mut found =
        Mentions { everyone: content.contains("@everyone") || content.contains("@here"), ..Default::default() };
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let (is_role, body) = match rest.as_bytes().first() {
            Some(b'&') => (true, &rest[1..]),
            Some(b'!') => (false, &rest[1..]),
            _ => (false, rest),
        };
        let Some(end) = body.find('>') else { break };
        if let Ok(id) = body[..end].parse::<Snowflake>() {
            let list = if is_role { &mut found.roles } else { &mut found.users };
            if !list.contains(&id) && list.len() < MAX_MENTIONS {
                list.push(id);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    #[test]
    fn finds_users_roles_and_everyone() {
        let m = parse("hi <@12> and <@!12> <@&34> <@x> <@0> @here");
        assert_eq!(m.users, vec![id(12)]);
        assert_eq!(m.roles, vec![id(34)]);
        assert!(m.everyone);
        assert_eq!(parse("plain text"), Mentions::default());
        assert_eq!(parse("<@5").users, Vec::<Snowflake>::new());
    }
}
