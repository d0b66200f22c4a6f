/** How long one kind of entity may be served from the cache. */
export interface CacheTtl {
  /** Served without asking the backend while younger than this. 0 = not cached. */
  freshMs: number;
  /** Kept this long in all (the hard TTL); older than `freshMs` it is served only when the backend fails. */
  staleMs: number;
}

/** The gateway-wide cache settings. */
export interface CacheSettings {
  /** First segment of every key: `<prefix>:v1:order:o7`. @default "mgw" */
  keyPrefix: string;
  /** Entries the in-process L1 keeps (LRU). @default 10000 */
  l1MaxEntries: number;
  /** Redis for L2; null = L1 only. */
  redisUrl: string | null;
  /** Longest a Redis operation may take before the gateway goes on without it. @default 50 */
  redisTimeoutMs: number;
  /** Redis failures in a row that make the gateway skip Redis. @default 3 */
  redisBreakerThreshold: number;
  /** How long Redis is skipped before it is tried again. @default 1000 */
  redisHalfOpenAfterMs: number;
}

/**
 * Bumped when the shape of cached values changes: old entries are then never read
 * again and expire on their own.
 */
export const CACHE_FORMAT_VERSION = 'v1';
