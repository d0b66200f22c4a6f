/** What a cache tier stores for one entity: the value and when the gateway fetched it. */
export interface CacheEnvelope<V = unknown> {
  /** The backend's value. */
  v: V;
  /** `Date.now()` when it was fetched: freshness is computed from this, in every tier. */
  t: number;
  /** `Date.now()` after which it must not be served at all (the hard TTL). */
  x: number;
}

export interface CacheWrite {
  key: string;
  envelope: CacheEnvelope;
}

/** One tier of the cache (L1 memory, L2 Redis). */
export interface CacheTier {
  /** One round-trip for every key; a missing, expired or unreadable entry is undefined. */
  getMany(keys: readonly string[]): Promise<(CacheEnvelope | undefined)[]>;
  setMany(writes: readonly CacheWrite[]): Promise<void>;
}

export function isCacheEnvelope(value: unknown): value is CacheEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    'v' in value &&
    typeof (value as CacheEnvelope).t === 'number' &&
    typeof (value as CacheEnvelope).x === 'number'
  );
}
