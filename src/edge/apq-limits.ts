/**
 * Bounds of automatic persisted queries (GATEWAY_CONFIG `persistedQueries`): anyone may
 * register a query, so what registrations may hold is bounded in bytes and in time.
 */
export interface ApqLimits {
  /** Bytes the in-process store may hold (LRU beyond). @default 16777216 (16 MiB) */
  maxMemoryBytes: number;
  /** Bytes of queries in Redis, shared by every instance (soonest-expiring evicted beyond). @default 67108864 (64 MiB) */
  maxRedisBytes: number;
  /** Lifetime of a registered query that is never used. @default 3600000 (1 h) */
  unusedTtlMs: number;
  /** Lifetime after a use: a hit extends the entry to this (at most once per half of it). @default 86400000 (24 h) */
  usedTtlMs: number;
  /** New registrations one client (viewer id, else IP) may make per minute, per instance. @default 30 */
  registrationsPerMinute: number;
}

export const DEFAULT_APQ_LIMITS: ApqLimits = {
  maxMemoryBytes: 16 * 1024 * 1024,
  maxRedisBytes: 64 * 1024 * 1024,
  unusedTtlMs: 3_600_000,
  usedTtlMs: 86_400_000,
  registrationsPerMinute: 30,
};
