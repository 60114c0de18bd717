//! Slowmode: in a channel with `rate_limit_per_user`, a member without MANAGE_MESSAGES,
//! MANAGE_CHANNELS or BYPASS_SLOWMODE waits that many seconds between messages. The last
//! send per (channel, user) is kept in the shared state's cache (`ctx.kv`) for the channel's
//! interval, so every node enforces the same wait.
//!
//! When the shared state is unavailable slowmode fails open: the message goes through and a
//! warning is logged, because chat must keep working and slowmode is a courtesy, not a guard.

use std::time::Duration;

use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_kv::{Kv, KvResult};
use serde::{Deserialize, Serialize};

/// A member's last send in a channel: when (ms since the epoch), and with which enforced nonce.
#[derive(Debug, Serialize, Deserialize)]
struct LastSend {
    at_ms: u64,
    nonce: Option<String>,
}

/// Records a send now, or returns how long the member must still wait. A repeat of the last
/// send's enforced nonce passes, so a retried request gets its original message.
pub async fn try_send(
    kv: &dyn Kv,
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
    match check(kv, &format!("slowmode:{channel}:{user}"), interval, enforced_nonce).await {
        Ok(outcome) => outcome,
        Err(error) => {
            tracing::warn!(%error, channel_id = %channel, user_id = %user, "slowmode unavailable; letting the message through");
            Ok(())
        }
    }
}

async fn check(
    kv: &dyn Kv,
    key: &str,
    interval: Duration,
    enforced_nonce: Option<&str>,
) -> KvResult<Result<(), Duration>> {
    let now = now_ms();
    let this = LastSend { at_ms: now, nonce: enforced_nonce.map(str::to_owned) };
    let this = serde_json::to_string(&this).expect("a last send always serialises");
    // Twice: the last send may expire between the store that found it and the read.
    for _ in 0..2 {
        if kv.cache_set_if_absent(key, &this, interval).await? {
            return Ok(Ok(()));
        }
        let Some(stored) = kv.cache_get(key).await? else { continue };
        let last: Option<LastSend> = serde_json::from_str(&stored).ok();
        let Some(last) = last else { break };
        if enforced_nonce.is_some() && last.nonce.as_deref() == enforced_nonce {
            return Ok(Ok(()));
        }
        let since = Duration::from_millis(now.saturating_sub(last.at_ms));
        if since < interval {
            return Ok(Err(interval - since));
        }
        break;
    }
    // The stored send is older than the interval (it was shortened) or unreadable: replace it.
    kv.cache_set(key, &this, interval).await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_kv::MemoryKv;
    use accord_kv_redis::RedisKv;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    #[tokio::test]
    async fn members_wait_between_messages_unless_exempt() {
        let kv = MemoryKv::new();
        let plain = Permissions::SEND_MESSAGES;
        assert!(try_send(&kv, id(1), id(2), 10, plain, Some("n1")).await.is_ok());
        let wait = try_send(&kv, id(1), id(2), 10, plain, None).await.unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        assert!(try_send(&kv, id(1), id(2), 10, plain, Some("n1")).await.is_ok(), "a retry of the last nonce");
        assert!(try_send(&kv, id(1), id(2), 10, plain, Some("n2")).await.is_err());
        assert!(try_send(&kv, id(1), id(3), 10, plain, None).await.is_ok(), "per user");
        assert!(try_send(&kv, id(4), id(2), 10, plain, None).await.is_ok(), "per channel");
        assert!(try_send(&kv, id(1), id(2), 10, plain | Permissions::BYPASS_SLOWMODE, None).await.is_ok());
        assert!(try_send(&kv, id(1), id(2), 0, plain, None).await.is_ok());
    }

    #[tokio::test]
    async fn a_shortened_interval_applies_to_the_last_send_at_once() {
        let kv = MemoryKv::new();
        let plain = Permissions::SEND_MESSAGES;
        assert!(try_send(&kv, id(1), id(2), 60, plain, None).await.is_ok());
        tokio::time::sleep(Duration::from_millis(1100)).await;

        assert!(try_send(&kv, id(1), id(2), 1, plain, None).await.is_ok(), "a second has passed");
        assert!(try_send(&kv, id(1), id(2), 1, plain, None).await.is_err(), "and the new send counts");
    }

    #[tokio::test]
    async fn with_the_shared_state_down_slowmode_lets_messages_through() {
        let down = RedisKv::lazy("redis://127.0.0.1:1/", "t:").unwrap();
        let plain = Permissions::SEND_MESSAGES;

        for _ in 0..3 {
            assert!(try_send(&down, id(1), id(2), 30, plain, None).await.is_ok());
        }
    }
}
