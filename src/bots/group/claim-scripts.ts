/**
 * @module bots/group/claim-scripts
 * The Lua scripts behind claim rounds in Redis. Each runs atomically on Redis's own clock (TIME),
 * so workers whose clocks or timers drift still agree on when a round closed.
 *
 * Keys of one group (`{h}` is a hash of tenant and group, one hash slot for all of them):
 * - `sb:claims:{h}:members`: sorted set, bot → time its registration expires (ms);
 * - `sb:claims:{h}:current`: the id of the latest round, kept a little longer than it can matter;
 * - `sb:claims:{h}:round:<id>`: hash with `deadline`, `heard` (when the opener heard the utterance
 *   end, epoch ms), `entries` (bots in it), `claimed` (set once someone claimed), `closed_at` (set
 *   when every live member is in before the deadline), `e:<bot>` (its claim as JSON, "" for a pass)
 *   and `l:<bot>` (a late entry, never counted).
 */

const NOW = `local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Closes the round `key` when every live member has entered, and says so on the channel. */
const CLOSE_IF_COMPLETE = `local function closeIfComplete(key, members, channel)
  local entries = tonumber(redis.call("HGET", key, "entries") or "0")
  if entries >= redis.call("ZCOUNT", members, now, "+inf") then
    redis.call("HSET", key, "closed_at", now)
    redis.call("PUBLISH", channel, key)
    return true
  end
  return false
end`;

/**
 * Enters a claim (ARGV[2] JSON) or a pass (ARGV[2] "") of bot ARGV[1] on the utterance heard ending
 * at ARGV[3]. An open round takes it. A round closed less than ARGV[5] ms ago, on an utterance heard
 * within ARGV[6] ms of this one, that the bot was not in, takes it as late: a late claim loses when
 * someone claimed in time. Anything else opens round ARGV[7] for ARGV[4] ms.
 * KEYS: current, members. ARGV[8]: round key prefix; ARGV[9]: the channel closed rounds go to.
 * Returns {round id, "open" | "closed" | "late", ms left until the deadline}.
 */
export const ENTER_SCRIPT = `${NOW}
${CLOSE_IF_COMPLETE}
local holder, entry, heard = ARGV[1], ARGV[2], tonumber(ARGV[3])
local window, late, match = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local field = "e:" .. holder
local id = redis.call("GET", KEYS[1])
if id then
  local key = ARGV[8] .. id
  local r = redis.call("HMGET", key, "deadline", "closed_at", "heard", "claimed")
  if r[1] then
    local deadline = tonumber(r[1])
    if not r[2] and now < deadline then
      local added
      if entry == "" then added = redis.call("HSETNX", key, field, "") else added = redis.call("HSET", key, field, entry) end
      if added == 1 then redis.call("HINCRBY", key, "entries", 1) end
      if entry ~= "" then redis.call("HSET", key, "claimed", "1") end
      if closeIfComplete(key, KEYS[2], ARGV[9]) then return {id, "closed", 0} end
      return {id, "open", deadline - now}
    end
    local closedAt = tonumber(r[2]) or deadline
    if now - closedAt < late and redis.call("HEXISTS", key, field) == 0 and math.abs(heard - tonumber(r[3])) <= match and (entry == "" or r[4]) then
      redis.call("HSET", key, "l:" .. holder, entry)
      return {id, "late", 0}
    end
  end
end
id = ARGV[7]
local key = ARGV[8] .. id
redis.call("HSET", key, "deadline", now + window, "heard", heard, "entries", 1, field, entry)
if entry ~= "" then redis.call("HSET", key, "claimed", "1") end
redis.call("PEXPIRE", key, window + late + 60000)
redis.call("SET", KEYS[1], id, "PX", window + late + 1000)
if closeIfComplete(key, KEYS[2], ARGV[9]) then return {id, "closed", 0} end
return {id, "open", window}`;

/**
 * Reads round KEYS[1]: {"open", ms left} before it closed, {"closed", claim JSON…} after (the
 * entries made in time, which no longer change), {"gone"} when it expired.
 */
export const READ_SCRIPT = `${NOW}
local r = redis.call("HMGET", KEYS[1], "deadline", "closed_at")
if not r[1] then return {"gone"} end
if not r[2] and now < tonumber(r[1]) then return {"open", tostring(tonumber(r[1]) - now)} end
local out = {"closed"}
local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 2) == "e:" and all[i + 1] ~= "" then table.insert(out, all[i + 1]) end
end
return out`;

/**
 * Bots ARGV[2..] of this process are members for ARGV[1] ms more; expired members are dropped.
 * KEYS: members.
 */
export const REFRESH_MEMBERS_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[1])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", "(" .. now)
for i = 2, #ARGV do redis.call("ZADD", KEYS[1], now + ttl, ARGV[i]) end
redis.call("PEXPIRE", KEYS[1], ttl)
return 1`;

/**
 * Bot ARGV[1] left: it is no member any more, and an open round that waited only for it closes.
 * KEYS: current, members. ARGV[2]: round key prefix; ARGV[3]: the closed-round channel.
 */
export const LEAVE_SCRIPT = `${NOW}
${CLOSE_IF_COMPLETE}
redis.call("ZREM", KEYS[2], ARGV[1])
local id = redis.call("GET", KEYS[1])
if not id then return 0 end
local key = ARGV[2] .. id
local r = redis.call("HMGET", key, "deadline", "closed_at")
if r[1] and not r[2] and now < tonumber(r[1]) and closeIfComplete(key, KEYS[2], ARGV[3]) then return 1 end
return 0`;
