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

/// Presence helpers: `prune(values, claims)` drops expired claims with their values; `live(values)`
/// lists the live values by holder name; `expire_with_last_claim(values, claims)` makes both
/// keys expire with the last claim.
const PRESENCE: &str = r"
local function prune(values, claims)
  local expired = redis.call('ZRANGEBYSCORE', claims, '-inf', ms(now))
  for _, holder in ipairs(expired) do redis.call('HDEL', values, holder) end
  redis.call('ZREMRANGEBYSCORE', claims, '-inf', ms(now))
end
local function live(values, claims)
  local holders = redis.call('ZRANGEBYSCORE', claims, '(' .. ms(now), '+inf')
  table.sort(holders)
  if #holders == 0 then return {} end
  return redis.call('HMGET', values, unpack(holders))
end
local function expire_with_last_claim(values, claims)
  local last = ms(tonumber(redis.call('ZRANGE', claims, -1, -1, 'WITHSCORES')[2]))
  redis.call('PEXPIREAT', values, last)
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

/// A holder claims a user with its value. KEYS: values (hash holder -> JSON), claims (sorted
/// set holder -> expiry ms). ARGV: holder, value, ttl ms. Returns the live values before.
pub static PRESENCE_SET: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{PRESENCE}
prune(KEYS[1], KEYS[2])
local before = live(KEYS[1], KEYS[2])
redis.call('ZADD', KEYS[2], ms(now + tonumber(ARGV[3])), ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
expire_with_last_claim(KEYS[1], KEYS[2])
return before
"
    ))
});

/// A holder renews its claims with its values. KEYS: values and claims of each user, in
/// pairs. ARGV: holder, ttl ms, then each user's value.
pub static PRESENCE_REFRESH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{PRESENCE}
local expires = ms(now + tonumber(ARGV[2]))
for i = 1, #KEYS / 2 do
  local values, claims = KEYS[2 * i - 1], KEYS[2 * i]
  prune(values, claims)
  redis.call('ZADD', claims, expires, ARGV[1])
  redis.call('HSET', values, ARGV[1], ARGV[2 + i])
  expire_with_last_claim(values, claims)
end
return 1
"
    ))
});

/// A holder withdraws its claim and value. KEYS: values, claims. ARGV: holder. Returns the
/// live values left (none: both keys are deleted).
pub static PRESENCE_CLEAR: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{PRESENCE}
prune(KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {{}}
end
expire_with_last_claim(KEYS[1], KEYS[2])
return live(KEYS[1], KEYS[2])
"
    ))
});

/// The live values of each user. KEYS: values and claims of each user, in pairs. Returns one
/// list of values per user.
pub static PRESENCE_GET: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{PRESENCE}
local out = {{}}
for i = 1, #KEYS / 2 do
  out[i] = live(KEYS[2 * i - 1], KEYS[2 * i])
end
return out
"
    ))
});
