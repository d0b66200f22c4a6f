import { LRUCache } from 'lru-cache';
import type { RedisTier } from '../cache/create-redis-tier.js';
import type { ApqLimits } from './apq-limits.js';

export interface PersistedQueryStoreOptions {
  limits: Pick<ApqLimits, 'maxMemoryBytes' | 'maxRedisBytes' | 'unusedTtlMs' | 'usedTtlMs'>;
  /** Shared by every instance, so a query registered through one is found by all; null = memory only. */
  redis: RedisTier | null;
  keyPrefix: string;
  /** Clock of expiry, in ms. @default Date.now */
  now?: () => number;
}

/** Automatic persisted queries by SHA-256 hash, bounded in bytes and in time. */
export interface PersistedQueryStore {
  /** The query registered under `hash` (memory, then Redis), or null. A hit extends its life to `usedTtlMs`. */
  get(hash: string): Promise<string | null>;
  /** Whether this instance holds `hash` in memory: registering it again is not a new registration. */
  has(hash: string): boolean;
  /**
   * Stores a registration, for `unusedTtlMs` unless used: in memory at once, in Redis in
   * the background. Only for queries that parsed, validated and passed the query limits.
   */
  add(hash: string, query: string): void;
  /** Bytes held in memory, as counted against `maxMemoryBytes`. */
  memoryBytes(): number;
  /** Resolves once every Redis write started so far has ended. */
  settled(): Promise<void>;
}

/**
 * The APQ store: its own in-process LRU bounded by bytes (never the entity cache's L1,
 * so registrations cannot evict entities), in front of Redis, where the queries of every
 * instance together stay within `maxRedisBytes` (see REGISTER). Every entry has a TTL in
 * both tiers: `unusedTtlMs` from registration, `usedTtlMs` from a use.
 *
 * Redis keys: `<prefix>:apq:v2:q:<hash>` (the query, with PX), `<prefix>:apq:v2:index`
 * (sorted set: hash by expiry) and `<prefix>:apq:v2:sizes` (hash: bytes per hash and
 * their `#total`). The index and sizes have no TTL on purpose: under a `volatile-*`
 * eviction policy Redis never evicts them, so the accounting stays true.
 */
export function createPersistedQueryStore(options: PersistedQueryStoreOptions): PersistedQueryStore {
  const { limits, redis, keyPrefix } = options;
  const now = options.now ?? Date.now;
  const memory = new LRUCache<string, string>({
    maxSize: limits.maxMemoryBytes,
    // V8 keeps a string in 1 or 2 bytes per UTF-16 unit: 2 is the bound; plus the LRU's
    // own bookkeeping per entry (slots, the key).
    sizeCalculation: (query, hash) => 2 * (query.length + hash.length) + ENTRY_OVERHEAD_BYTES,
    // The default (1 ms) arms a timer per lookup; the clock is cheap to read.
    ttlResolution: 0,
    perf: { now },
  });
  const namespace = `${keyPrefix}:apq:v2`;
  const queryKeyPrefix = `${namespace}:q:`;
  const indexKey = `${namespace}:index`;
  const sizesKey = `${namespace}:sizes`;
  const pending = new Set<Promise<void>>();

  const inBackground = (write: Promise<unknown>) => {
    const tracked: Promise<void> = write.then(
      () => undefined,
      () => undefined,
    );
    pending.add(tracked);
    void tracked.then(() => pending.delete(tracked));
  };
  /** GET and, when the index knows it, extend to `usedTtlMs`: one round trip. */
  const touch = (shared: RedisTier, hash: string) =>
    shared.runScript(TOUCH, [queryKeyPrefix + hash, indexKey], [hash, String(now()), String(limits.usedTtlMs)]);

  return {
    async get(hash) {
      const local = memory.get(hash);
      if (local !== undefined) {
        // Extended once per half of `usedTtlMs`, not on every hit: a hot query costs
        // Redis one write per 12 h (by default) per instance.
        if (memory.getRemainingTTL(hash) < limits.usedTtlMs / 2) {
          memory.set(hash, local, { ttl: limits.usedTtlMs });
          if (redis !== null) inBackground(touch(redis, hash));
        }
        return local;
      }
      if (redis === null) return null;
      const shared = await touch(redis, hash);
      if (!shared.ok || typeof shared.value !== 'string') return null;
      memory.set(hash, shared.value, { ttl: limits.usedTtlMs });
      return shared.value;
    },
    has: (hash) => memory.has(hash),
    add(hash, query) {
      memory.set(hash, query, { ttl: limits.unusedTtlMs });
      if (redis === null) return;
      inBackground(
        redis.runScript(
          REGISTER,
          [queryKeyPrefix + hash, indexKey, sizesKey],
          [hash, query, String(now()), String(limits.unusedTtlMs), String(limits.maxRedisBytes), queryKeyPrefix],
        ),
      );
    },
    memoryBytes: () => memory.calculatedSize,
    async settled() {
      await Promise.allSettled([...pending]);
    },
  };
}

// Private:

const ENTRY_OVERHEAD_BYTES = 96;

/**
 * Registers one query within the byte budget of every instance together, atomically.
 * KEYS: 1 the query's key, 2 the index (sorted set: hash by expiry, ms), 3 the sizes
 * (hash: bytes per hash, and `#total`). ARGV: 1 hash, 2 query, 3 now (ms), 4 TTL (ms),
 * 5 budget (bytes), 6 the prefix of query keys (evicted keys are derived from it, so
 * this script needs a single Redis, not a cluster).
 */
const REGISTER = `
local index, sizes = KEYS[2], KEYS[3]
local hash, query, prefix = ARGV[1], ARGV[2], ARGV[6]
local now, ttl, budget = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local size = string.len(query)
if size > budget then return 0 end
local total = tonumber(redis.call('HGET', sizes, '#total') or '0')
local function forget(member)
  total = total - tonumber(redis.call('HGET', sizes, member) or '0')
  redis.call('HDEL', sizes, member)
  redis.call('ZREM', index, member)
end
-- Entries past their expiry: Redis has dropped their keys, drop their bytes (bounded work per call).
for _, member in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, 100)) do forget(member) end
local expiry = now + ttl
local current = redis.call('ZSCORE', index, hash)
if current then
  -- Registered already (through another instance): never shorten its life.
  expiry = math.max(expiry, tonumber(current))
  forget(hash)
end
-- Soonest expiry first: registrations nobody used go before queries in use.
while total + size > budget do
  local victim = redis.call('ZRANGE', index, 0, 0)[1]
  if victim == nil then total = 0 break end
  forget(victim)
  redis.call('DEL', prefix .. victim)
end
redis.call('SET', KEYS[1], query, 'PX', string.format('%d', expiry - now))
redis.call('ZADD', index, string.format('%d', expiry), hash)
redis.call('HSET', sizes, hash, size, '#total', total + size)
return 1
`;

/**
 * The query under KEYS[1], extended to now + ARGV[3] ms when the index (KEYS[2]) accounts
 * for it: an entry the budget does not know about is never kept alive. ARGV: 1 hash, 2 now, 3 TTL.
 */
const TOUCH = `
local query = redis.call('GET', KEYS[1])
if not query then return false end
local expiry = tonumber(ARGV[2]) + tonumber(ARGV[3])
local current = redis.call('ZSCORE', KEYS[2], ARGV[1])
if current and tonumber(current) < expiry then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[2], string.format('%d', expiry), ARGV[1])
end
return query
`;
