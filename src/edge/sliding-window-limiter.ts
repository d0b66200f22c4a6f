import { LRUCache } from 'lru-cache';
import type { RedisTier } from '../cache/create-redis-tier.js';

/** `max` units (requests, field calls) in any `windowMs`-long interval. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface WindowDecision {
  allowed: boolean;
  /** Units counted in the window that ends now, this take included when it counted. */
  used: number;
  /** `max - used`, never below 0. */
  remaining: number;
  /** Until the oldest counted units leave the window (quota starts coming back); 0 with nothing counted. */
  resetMs: number;
  /** Refused: until this take would fit (`windowMs` for a weight above `max`, which never fits); allowed: 0. */
  retryAfterMs: number;
}

export interface TakeOptions {
  /** Units this take costs (a batch of N operations is N). @default 1 */
  weight?: number;
  /** false: only look whether it would fit, count nothing (`@rateLimit(readOnly: true)`). @default true */
  count?: boolean;
}

export interface SlidingWindowLimiter {
  /** Counts `weight` units for `key` if they fit under `limit`, and says what is left. */
  take(key: string, limit: WindowLimit, options?: TakeOptions): Promise<WindowDecision>;
  /** Keys this instance holds in memory (Redis down or absent); never above `maxKeys`. */
  size(): number;
}

export interface SlidingWindowLimiterOptions {
  /** Shared state, so the limit holds across instances; null = this instance's memory only. */
  redis: RedisTier | null;
  /** Keys kept in memory at most; the least recently used one is forgotten first. @default 50_000 */
  maxKeys?: number;
  /** Clock in ms; Redis is given this time too, so tests can drive both. @default Date.now */
  now?: () => number;
}

/**
 * A window is cut into this many buckets; a bucket stores its units and the time of its
 * latest one, and all its units count until that time plus the window. A key never holds
 * more than BUCKETS_PER_WINDOW + 2 buckets: a new one is opened only at a time past every
 * bucket's latest unit, when those still counted began less than a window ago.
 */
export const BUCKETS_PER_WINDOW = 10;

/**
 * A sliding window that never lets more than `max` units through in any `windowMs`-long
 * interval, whatever the window boundaries (a fixed window lets 2 × max through around
 * one; GCRA, after a burst of `max`, keeps admitting one unit per `windowMs / max`:
 * nearly 2 × max in one window). Units are kept in at most 12 time buckets per key, each
 * counted as if all its units came at its latest one: exact for bursts, at worst a tenth
 * of a window stricter for a client spreading requests right at the limit. O(1) per take
 * and per key: in Redis one Lua script (one atomic round trip, a hash of ≤ 12 fields
 * expiring with the window); in memory an LRU bounded by `maxKeys`, entries expiring with
 * their window. When Redis fails the instance falls back to its memory: limits loosen to
 * per instance, nobody is refused because Redis is down. Refused takes count nothing.
 */
export function createSlidingWindowLimiter(options: SlidingWindowLimiterOptions): SlidingWindowLimiter {
  const { redis } = options;
  const now = options.now ?? Date.now;
  // Values are the buckets, flat: [index, units, latest, index, units, latest, …], oldest first.
  // Entries expire on the limiter's own clock (ttlResolution 0: read it, no timer per read).
  const memory = new LRUCache<string, number[]>({ max: options.maxKeys ?? 50_000, perf: { now }, ttlResolution: 0 });

  const takeInMemory = (key: string, at: number, limit: WindowLimit, weight: number, count: boolean): WindowDecision => {
    const buckets = memory.get(key) ?? [];
    const decision = takeFromBuckets(buckets, at, limit, weight, count);
    // Kept until its newest bucket leaves the window (as the script's PEXPIRE).
    if (decision.allowed && count) memory.set(key, buckets, { ttl: buckets[buckets.length - 1]! + limit.windowMs - at });
    else if (buckets.length === 0) memory.delete(key);
    return decision;
  };

  return {
    async take(key, limit, takeOptions = {}) {
      const weight = takeOptions.weight ?? 1;
      const count = takeOptions.count ?? true;
      if (!Number.isInteger(weight) || weight < 1) throw new TypeError(`rate limit weight must be a positive integer, got ${weight}`);
      const at = Math.floor(now());
      if (redis !== null) {
        const shared = await redis.runScript(TAKE_SCRIPT, [key], [
          String(at),
          String(limit.windowMs),
          String(bucketMsOf(limit.windowMs)),
          String(limit.max),
          String(weight),
          count ? '1' : '0',
        ]);
        const decision = shared.ok ? decisionOfReply(shared.value, limit.max) : null;
        if (decision !== null) return decision;
      }
      return takeInMemory(key, at, limit, weight, count);
    },
    size: () => memory.size,
  };
}

// Private:

function bucketMsOf(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / BUCKETS_PER_WINDOW));
}

/**
 * The algorithm, on one key's buckets (changed in place). TAKE_SCRIPT below is the same,
 * line for line, in Lua: keep them in step.
 */
function takeFromBuckets(buckets: number[], at: number, limit: WindowLimit, weight: number, count: boolean): WindowDecision {
  const { max, windowMs } = limit;
  // Buckets are in time order and so are their latest units: those gone are at the front.
  let gone = 0;
  while (gone < buckets.length && buckets[gone + 2]! + windowMs <= at) gone += 3;
  if (gone > 0) buckets.splice(0, gone);
  let used = 0;
  for (let i = 1; i < buckets.length; i += 3) used += buckets[i]!;
  if (used + weight > max) {
    let retryAfterMs = windowMs;
    if (weight <= max) {
      const need = used + weight - max;
      let freed = 0;
      for (let i = 0; i < buckets.length; i += 3) {
        freed += buckets[i + 1]!;
        if (freed >= need) {
          retryAfterMs = buckets[i + 2]! + windowMs - at;
          break;
        }
      }
    }
    return { allowed: false, used, remaining: Math.max(0, max - used), resetMs: resetMsOf(buckets, at, windowMs), retryAfterMs };
  }
  if (count) {
    const index = Math.floor(at / bucketMsOf(windowMs));
    const newest = buckets.length - 3;
    // A clock behind the newest bucket (another instance's, or moved back) adds to it:
    // buckets stay in time order (and few), and their units only ever count longer.
    if (newest >= 0 && buckets[newest]! >= index) {
      buckets[newest + 1]! += weight;
      buckets[newest + 2] = Math.max(buckets[newest + 2]!, at);
    } else {
      buckets.push(index, weight, at);
    }
    used += weight;
  }
  return { allowed: true, used, remaining: max - used, resetMs: resetMsOf(buckets, at, windowMs), retryAfterMs: 0 };
}

function resetMsOf(buckets: number[], at: number, windowMs: number): number {
  return buckets.length === 0 ? 0 : buckets[2]! + windowMs - at;
}

/** `{ allowed, used, resetMs, retryAfterMs }` as the script returns it; null if Redis said something else. */
function decisionOfReply(reply: unknown, max: number): WindowDecision | null {
  if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((value) => typeof value === 'number')) return null;
  const [allowed, used, resetMs, retryAfterMs] = reply as [number, number, number, number];
  return { allowed: allowed === 1, used, remaining: Math.max(0, max - used), resetMs, retryAfterMs };
}

/**
 * KEYS[1]: the key's hash, field = bucket index, value = "<units>:<latest ms>".
 * ARGV: now (ms), window (ms), bucket (ms), max, weight, count (1|0).
 * Returns { allowed (1|0), used, resetMs, retryAfterMs }. The caller's clock is used
 * (instances are NTP-synced; a few ms of skew only move when units leave by as much).
 */
const TAKE_SCRIPT = `
local key = KEYS[1]
local at = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local bucket = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local weight = tonumber(ARGV[5])
local count = ARGV[6] == '1'
local raw = redis.call('HGETALL', key)
local buckets = {}
for i = 1, #raw, 2 do
  local units, latest = string.match(raw[i + 1], '^(%d+):(%d+)$')
  units = tonumber(units)
  latest = tonumber(latest)
  if units ~= nil and latest ~= nil and latest + window > at then
    buckets[#buckets + 1] = { tonumber(raw[i]), units, latest }
  else
    redis.call('HDEL', key, raw[i])
  end
end
table.sort(buckets, function(a, b) return a[1] < b[1] end)
local used = 0
for _, b in ipairs(buckets) do used = used + b[2] end
local function reset()
  if #buckets == 0 then return 0 end
  return buckets[1][3] + window - at
end
if used + weight > max then
  local retry = window
  if weight <= max then
    local need, freed = used + weight - max, 0
    for _, b in ipairs(buckets) do
      freed = freed + b[2]
      if freed >= need then
        retry = b[3] + window - at
        break
      end
    end
  end
  return { 0, used, reset(), retry }
end
if count then
  local index = math.floor(at / bucket)
  local newest = buckets[#buckets]
  if newest ~= nil and newest[1] >= index then
    newest[2] = newest[2] + weight
    if at > newest[3] then newest[3] = at end
  else
    newest = { index, weight, at }
    buckets[#buckets + 1] = newest
  end
  redis.call('HSET', key, string.format('%d', newest[1]), string.format('%d:%d', newest[2], newest[3]))
  redis.call('PEXPIRE', key, newest[3] + window - at)
  used = used + weight
end
return { 1, used, reset(), 0 }
`;
