import { isUpstreamError } from '../upstream/upstream-error.js';
import type { CacheEnvelope } from './cache-envelope.js';
import { CACHE_FORMAT_VERSION, type CacheTtl } from './cache-settings.js';
import type { StaleTracker } from './stale-tracker.js';
import type { TieredCache } from './create-tiered-cache.js';

/** The cache of one kind of entity (products, users …) with its two TTLs. */
export interface EntityCache<V> {
  /**
   * Fresh cached values as they are; one backend call (`fetchMany`) for the rest.
   * When that call fails, stale values stand in (marked on `stale`); ids without any
   * get the error. Unknown ids are null.
   */
  loadMany(
    ids: readonly string[],
    fetchMany: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>,
    stale?: StaleTracker,
  ): Promise<(V | null | Error)[]>;
  /** The same for one value under `id`. */
  load(id: string, fetchOne: () => Promise<V>, stale?: StaleTracker): Promise<V>;
  /** Replaces the cached value, e.g. with what a mutation just returned. */
  put(id: string, value: V): Promise<void>;
}

export interface EntityCacheOptions {
  cache: TieredCache;
  /** `<prefix>` of `<prefix>:v1:<kind>:<id>`. */
  keyPrefix: string;
  /** Entity kind in the key, e.g. `product`. */
  kind: string;
  /** Backend name, for the STALE_DATA warning. */
  service: string;
  ttl: CacheTtl;
}

export function createEntityCache<V>(options: EntityCacheOptions): EntityCache<V> {
  const { cache, ttl, service } = options;
  const enabled = ttl.freshMs > 0 && ttl.staleMs > 0;
  const prefix = `${options.keyPrefix}:${CACHE_FORMAT_VERSION}:${options.kind}:`;
  const envelope = (value: V, now: number): CacheEnvelope => ({ v: value, t: now, x: now + ttl.staleMs });
  const canStandIn = (error: unknown) => isUpstreamError(error) && !error.cancelled;

  return {
    async loadMany(ids, fetchMany, stale) {
      if (!enabled) {
        try {
          const found = await fetchMany(ids);
          return ids.map((id) => found.get(id) ?? null);
        } catch (error) {
          return ids.map(() => toError(error));
        }
      }
      const now = Date.now();
      const cached = await cache.getMany(ids.map((id) => prefix + id));
      const results: (V | null | Error)[] = new Array<V | null | Error>(ids.length);
      const missing: string[] = [];
      for (let i = 0; i < ids.length; i += 1) {
        const entry = cached[i];
        if (entry !== undefined && now - entry.t < ttl.freshMs) results[i] = entry.v as V;
        else missing.push(ids[i]!);
      }
      if (missing.length === 0) return results;

      let found: ReadonlyMap<string, V>;
      try {
        found = await fetchMany(missing);
      } catch (error) {
        for (let i = 0; i < ids.length; i += 1) {
          if (results[i] !== undefined) continue;
          const entry = cached[i];
          if (entry !== undefined && canStandIn(error)) {
            results[i] = entry.v as V;
            stale?.mark(entry.v, service, Math.floor((now - entry.t) / 1000));
          } else {
            results[i] = toError(error);
          }
        }
        return results;
      }
      const fetchedAt = Date.now();
      await cache.setMany([...found].map(([id, value]) => ({ key: prefix + id, envelope: envelope(value, fetchedAt) })));
      for (let i = 0; i < ids.length; i += 1) if (results[i] === undefined) results[i] = found.get(ids[i]!) ?? null;
      return results;
    },

    async load(id, fetchOne, stale) {
      if (!enabled) return fetchOne();
      const key = prefix + id;
      const now = Date.now();
      const [entry] = await cache.getMany([key]);
      if (entry !== undefined && now - entry.t < ttl.freshMs) return entry.v as V;
      try {
        const value = await fetchOne();
        await cache.setMany([{ key, envelope: envelope(value, Date.now()) }]);
        return value;
      } catch (error) {
        if (entry === undefined || !canStandIn(error)) throw error;
        stale?.mark(entry.v, service, Math.floor((now - entry.t) / 1000));
        return entry.v as V;
      }
    },

    async put(id, value) {
      if (enabled) await cache.setMany([{ key: prefix + id, envelope: envelope(value, Date.now()) }]);
    },
  };
}

// Private:

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
