//! The Lua scripts behind the operations that read and write in one step. Redis runs each
//! atomically, with time frozen at its start; claim expiries use Redis's own clock (`TIME`),
//! so the clocks of Accord's nodes never matter.

use std::sync::LazyLock;

use redis::Script;

/// `now` (ms, from Redis's clock) and `ms(x)`, an integer argument for Redis.
const CLOCK: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function ms(x) return string.format('%.0f', x) end
";

/// Makes a presence value and its claims expire with the claims' last expiry.
const EXPIRE_WITH_LAST_CLAIM: &str = r"
local function expire_with_last_claim(value, claims)
  local last = ms(tonumber(redis.call('ZRANGE', claims, -1, -1, 'WITHSCORES')[2]))
  redis.call('PEXPIREAT', value, last)
  redis.call('PEXPIREAT', claims, last)
end
";

/// One hit on a fixed window. KEYS: counter. ARGV: limit, window ms.
/// Returns {allowed (0/1), remaining, ms until the window closes}.
pub static HIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if count > 0 and ttl < 0 then
  redis.call('DEL', KEYS[1])
  count = 0
end
if count == 0 then ttl = window end
if count >= limit then return {0, 0, ttl} end
if count == 0 then
  redis.call('SET', KEYS[1], 1, 'PX', window)
else
  redis.call('INCR', KEYS[1])
end
return {1, limit - count - 1, ttl}
",
    )
});

/// A holder claims a user and sets the value. KEYS: value, claims (sorted set holder ->
/// expiry ms). ARGV: holder, value, ttl ms. Returns the replaced value, nil when the user had
/// no live claim.
pub static PRESENCE_SET: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{EXPIRE_WITH_LAST_CLAIM}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms(now))
local previous = false
if redis.call('ZCARD', KEYS[2]) > 0 then previous = redis.call('GET', KEYS[1]) end
redis.call('ZADD', KEYS[2], ms(now + tonumber(ARGV[3])), ARGV[1])
redis.call('SET', KEYS[1], ARGV[2])
expire_with_last_claim(KEYS[1], KEYS[2])
return previous
"
    ))
});

/// A holder renews its claims. KEYS: value and claims of each user, in pairs. ARGV: holder,
/// ttl ms, then each user's value, set only where it has vanished.
pub static PRESENCE_REFRESH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{EXPIRE_WITH_LAST_CLAIM}
local expires = ms(now + tonumber(ARGV[2]))
for i = 1, #KEYS / 2 do
  local value, claims = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZREMRANGEBYSCORE', claims, '-inf', ms(now))
  redis.call('ZADD', claims, expires, ARGV[1])
  if redis.call('EXISTS', value) == 0 then redis.call('SET', value, ARGV[2 + i]) end
  expire_with_last_claim(value, claims)
end
return 1
"
    ))
});

/// A holder withdraws its claim. KEYS: value, claims. ARGV: holder. Returns 1 when no live
/// claim remains (value and claims are deleted), else 0.
pub static PRESENCE_CLEAR: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{EXPIRE_WITH_LAST_CLAIM}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms(now))
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
expire_with_last_claim(KEYS[1], KEYS[2])
return 0
"
    ))
});
