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

/// Voice helpers over a scope's states (a hash of user -> `expiry_ms|channel|value`), a user's
/// scopes (a sorted set of scope -> expiry ms) and the expiries of all states (a sorted set of
/// `scope:user` -> expiry ms), always written together. `parse(s)` splits a stored state;
/// `live(states, user)` gives the channel and value of the user's live state; `store` and
/// `drop` write or delete one state in all three; each key lives until [`VOICE_KEPT_MS`] past
/// the latest expiry written to it.
fn voice_helpers() -> String {
    format!(
        r"
local function parse(s)
  local expires, channel, value = string.match(s, '^(%d+)|(%d+)|(.*)$')
  return tonumber(expires), channel, value
end
local function live(states, user)
  local s = redis.call('HGET', states, user)
  if not s then return nil end
  local expires, channel, value = parse(s)
  if expires <= now then return nil end
  return channel, value
end
local function keep(key, expires)
  local at = expires + {VOICE_KEPT_MS}
  if redis.call('PEXPIRETIME', key) < at then redis.call('PEXPIREAT', key, ms(at)) end
end
local function store(states, scopes, expiries, scope, user, expires, channel, value)
  redis.call('HSET', states, user, ms(expires) .. '|' .. channel .. '|' .. value)
  redis.call('ZADD', scopes, ms(expires), scope)
  redis.call('ZADD', expiries, ms(expires), scope .. ':' .. user)
  keep(states, expires)
  keep(scopes, expires)
  keep(expiries, expires)
end
local function drop(states, scopes, expiries, scope, user)
  redis.call('HDEL', states, user)
  redis.call('ZREM', scopes, scope)
  redis.call('ZREM', expiries, scope .. ':' .. user)
end
"
    )
}

/// How long past its expiry an uncollected voice state is kept, in ms: when no process
/// collects expired states for that long (no voice service runs), Redis drops them unannounced.
pub const VOICE_KEPT_MS: u64 = 10 * 60 * 1000;

/// Stores a user's voice state. KEYS: the scope's states, the user's scopes, all expiries.
/// ARGV: scope, user, channel, value, limit (-1 for none), ttl ms. Returns `{'full'}`, or
/// `{'stored'}` followed by the previous live value if there was one.
pub static VOICE_PUT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local scope, user, channel = ARGV[1], ARGV[2], ARGV[3]
local limit = tonumber(ARGV[5])
local current, previous = live(KEYS[1], user)
if limit >= 0 and current ~= channel then
  local taken = 0
  for _, s in ipairs(redis.call('HVALS', KEYS[1])) do
    local expires, c = parse(s)
    if expires > now and c == channel then taken = taken + 1 end
  end
  if taken >= limit then return {{'full'}} end
end
store(KEYS[1], KEYS[2], KEYS[3], scope, user, now + tonumber(ARGV[6]), channel, ARGV[4])
if previous then return {{'stored', previous}} end
return {{'stored'}}
",
        helpers = voice_helpers()
    ))
});

/// Replaces a user's live voice state holding an expected value. KEYS: as [`VOICE_PUT`].
/// ARGV: scope, user, expected, channel, value, ttl ms. Returns 1 when replaced, else 0.
pub static VOICE_SWAP: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local _, current = live(KEYS[1], ARGV[2])
if current ~= ARGV[3] then return 0 end
store(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], now + tonumber(ARGV[6]), ARGV[4], ARGV[5])
return 1
",
        helpers = voice_helpers()
    ))
});

/// Removes a user's live voice state. KEYS: as [`VOICE_PUT`]. ARGV: scope, user, and the
/// expected value if any. Returns the removed value, or nil.
pub static VOICE_REMOVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local _, current = live(KEYS[1], ARGV[2])
if not current or (#ARGV > 2 and current ~= ARGV[3]) then return false end
drop(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
return current
",
        helpers = voice_helpers()
    ))
});

/// Renews live voice states. KEYS: all expiries, then each state's scope states and user
/// scopes, in pairs. ARGV: ttl ms, then each state's scope and user, in pairs.
pub static VOICE_RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local expires = now + tonumber(ARGV[1])
for i = 1, (#KEYS - 1) / 2 do
  local states, scopes, user = KEYS[2 * i], KEYS[2 * i + 1], ARGV[2 * i + 1]
  local channel, value = live(states, user)
  if channel then store(states, scopes, KEYS[1], ARGV[2 * i], user, expires, channel, value) end
end
return 1
",
        helpers = voice_helpers()
    ))
});

/// The live voice states of each scope. KEYS: the scopes' states. Returns per scope a flat
/// list of user, channel, value.
pub static VOICE_LIST: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local out = {{}}
for i, states in ipairs(KEYS) do
  local found = {{}}
  local all = redis.call('HGETALL', states)
  for j = 1, #all, 2 do
    local expires, channel, value = parse(all[j + 1])
    if expires > now then
      found[#found + 1] = all[j]
      found[#found + 1] = channel
      found[#found + 1] = value
    end
  end
  out[i] = found
end
return out
",
        helpers = voice_helpers()
    ))
});

/// The scopes where a user has a live voice state. KEYS: the user's scopes.
pub static VOICE_SCOPES_OF: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ms(now), '+inf')
"
    ))
});

/// Up to a number of expired voice states, soonest first, as `scope:user`, without taking
/// them. KEYS: all expiries. ARGV: how many at most.
pub static VOICE_DUE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ms(now), 'LIMIT', 0, tonumber(ARGV[1]))
"
    ))
});

/// Takes the given voice states that are still expired (of concurrent calls naming one state,
/// exactly one takes it). KEYS: all expiries, then each state's scope states and user scopes,
/// in pairs. ARGV: each state's scope and user, in pairs. Returns a flat list of scope, user,
/// channel, value of the states taken.
pub static VOICE_TAKE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        r"{CLOCK}{helpers}
local out = {{}}
for i = 1, (#KEYS - 1) / 2 do
  local states, scopes = KEYS[2 * i], KEYS[2 * i + 1]
  local scope, user = ARGV[2 * i - 1], ARGV[2 * i]
  local due = redis.call('ZSCORE', KEYS[1], scope .. ':' .. user)
  if due and tonumber(due) <= now then
    local s = redis.call('HGET', states, user)
    local expires, channel, value
    if s then expires, channel, value = parse(s) end
    if s and expires > now then
      redis.call('ZADD', KEYS[1], ms(expires), scope .. ':' .. user)
    else
      drop(states, scopes, KEYS[1], scope, user)
      if s then
        out[#out + 1] = scope
        out[#out + 1] = user
        out[#out + 1] = channel
        out[#out + 1] = value
      end
    end
  end
end
return out
",
        helpers = voice_helpers()
    ))
});
