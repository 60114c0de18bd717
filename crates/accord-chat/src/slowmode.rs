//! Slowmode: in a channel with `rate_limit_per_user`, a member without MANAGE_MESSAGES,
//! MANAGE_CHANNELS or BYPASS_SLOWMODE waits that many seconds between messages. The last
//! send per (channel, user) is kept in this process (cluster mode moves it to the shared
//! cache); entries older than the longest slowmode are swept as the map grows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use accord_core::{Permissions, Snowflake};

/// Discord's longest slowmode, six hours.
const LONGEST: Duration = Duration::from_secs(21_600);
/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 100_000;

/// A member's last send in a channel: when, and with which enforced nonce.
type LastSend = (Instant, Option<String>);

#[derive(Debug, Default)]
pub struct Slowmode {
    /// The last send of each (channel, user).
    last_sent: Mutex<HashMap<(Snowflake, Snowflake), LastSend>>,
}

impl Slowmode {
    /// Records a send now, or returns how long the member must still wait. A repeat of the
    /// last send's enforced nonce passes, so a retried request gets its original message.
    pub fn try_send(
        &self,
        channel: Snowflake,
        user: Snowflake,
        interval_secs: u32,
        permissions: Permissions,
        enforced_nonce: Option<&str>,
    ) -> Result<(), Duration> {
        let exempt = Permissions::MANAGE_MESSAGES | Permissions::MANAGE_CHANNELS | Permissions::BYPASS_SLOWMODE;
        if interval_secs == 0 || permissions.intersects(exempt) {
            return Ok(());
        }
        let interval = Duration::from_secs(u64::from(interval_secs));
        let now = Instant::now();
        let mut last = self.last_sent.lock().unwrap_or_else(|p| p.into_inner());
        if last.len() >= SWEEP_AT {
            last.retain(|_, (at, _)| now.duration_since(*at) < LONGEST);
        }
        if let Some((at, nonce)) = last.get(&(channel, user)) {
            let since = now.duration_since(*at);
            let retry = enforced_nonce.is_some() && nonce.as_deref() == enforced_nonce;
            if since < interval && !retry {
                return Err(interval - since);
            }
            if retry {
                return Ok(());
            }
        }
        last.insert((channel, user), (now, enforced_nonce.map(str::to_owned)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    #[test]
    fn members_wait_between_messages_unless_exempt() {
        let slowmode = Slowmode::default();
        let plain = Permissions::SEND_MESSAGES;
        assert!(slowmode.try_send(id(1), id(2), 10, plain, Some("n1")).is_ok());
        let wait = slowmode.try_send(id(1), id(2), 10, plain, None).unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        assert!(slowmode.try_send(id(1), id(2), 10, plain, Some("n1")).is_ok(), "a retry of the last nonce");
        assert!(slowmode.try_send(id(1), id(2), 10, plain, Some("n2")).is_err());
        assert!(slowmode.try_send(id(1), id(3), 10, plain, None).is_ok(), "per user");
        assert!(slowmode.try_send(id(4), id(2), 10, plain, None).is_ok(), "per channel");
        assert!(slowmode.try_send(id(1), id(2), 10, plain | Permissions::BYPASS_SLOWMODE, None).is_ok());
        assert!(slowmode.try_send(id(1), id(2), 0, plain, None).is_ok());
    }
}
