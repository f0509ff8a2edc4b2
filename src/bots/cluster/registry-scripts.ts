/**
 * @module bots/cluster/registry-scripts
 * The registry's compare-and-set steps as Lua scripts, so each runs atomically in Redis: a status
 * report from a bot that was since moved elsewhere, or a placement job that runs twice, can never
 * overwrite what the current placement wrote.
 */

/**
 * A status report from the bot with stream id ARGV[1]. The current placement updates the record;
 * a placement still being created keeps its status aside until it is committed; any other (an
 * older placement, already replaced) is ignored.
 * KEYS: bot, moves, worker's bot set, tenant's active set.
 * ARGV: client id, status, last error, now, final (1/0), ttl seconds, bot id.
 */
export const REPORT_STATUS = `
local current = redis.call('HGET', KEYS[1], 'client_id')
local pending = redis.call('HGET', KEYS[1], 'pending_client_id')
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'ended' or status == 'failed' then return 0 end
if pending == ARGV[1] and current ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'pending_status', ARGV[2])
  return 2
end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updated_at', ARGV[4])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'last_error', ARGV[3]) end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'ended_at', ARGV[4])
  redis.call('SREM', KEYS[3], ARGV[7])
  redis.call('SREM', KEYS[4], ARGV[7])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return 1
`;

/**
 * Makes placement number ARGV[1] the bot's current one, once: the record must be at the previous
 * number and not finished. Moves the bot from the old worker's set to the new one's.
 * KEYS: bot, moves, new worker's bot set, old worker's bot set.
 * ARGV: placement number, worker, client id, provider bot id, now, move JSON or '', bot id.
 */
export const COMMIT_PLACEMENT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'ended' or status == 'failed' then return 0 end
local launches = tonumber(redis.call('HGET', KEYS[1], 'launches') or '0')
if launches ~= tonumber(ARGV[1]) - 1 then return 0 end
local held = redis.call('HGET', KEYS[1], 'pending_status')
if not held or held == '' or held == 'ended' or held == 'failed' then held = 'joining' end
redis.call('HSET', KEYS[1], 'launches', ARGV[1], 'worker', ARGV[2], 'client_id', ARGV[3], 'provider_bot_id', ARGV[4],
  'status', held, 'updated_at', ARGV[5], 'pending_client_id', '', 'pending_provider_bot_id', '', 'pending_status', '')
redis.call('SREM', KEYS[4], ARGV[7])
redis.call('SADD', KEYS[3], ARGV[7])
if ARGV[6] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[6]) end
return 1
`;

/**
 * Closes a bot that no placement will run (it failed to launch, could not be relaunched, or was
 * asked to leave while no worker ran it), unless it is already finished.
 * KEYS: bot, moves, old worker's bot set, tenant's active set.
 * ARGV: status, reason, now, ttl seconds, bot id.
 */
export const CLOSE_RECORD = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'ended' or status == 'failed' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'last_error', ARGV[2], 'updated_at', ARGV[3], 'ended_at', ARGV[3],
  'pending_client_id', '', 'pending_provider_bot_id', '', 'pending_status', '')
redis.call('SREM', KEYS[3], ARGV[5])
redis.call('SREM', KEYS[4], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`;

/**
 * Records the stream id (and later the provider's id) of a placement being created, so a worker
 * that dies mid-launch leaves enough behind for the next one to remove its half-made bot.
 * KEYS: bot. ARGV: field, value, expected pending client id ('' to set it unconditionally).
 */
export const NOTE_PENDING = `
if not redis.call('HGET', KEYS[1], 'status') then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'pending_client_id') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/**
 * Creates a bot record unless its tenant already has ARGV[1] bots that have not finished, so API
 * nodes taking requests at the same moment cannot together pass the per-tenant cap.
 * KEYS: bot, all bots index, tenant's bots index, tenant's active set.
 * ARGV: cap, now in ms, bot id, then the record's fields and values.
 */
export const CREATE_WITHIN_CAP = `
if redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[3])
return 1
`;
