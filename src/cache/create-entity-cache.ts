import { systemClock, type Clock } from '../clock.js';
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
  /** Clock of freshness and stale ages. @default systemClock */
  now?: Clock;
  /**
   * Whether a failure may be answered with a stale entry: a failure of the backend, yes; a
   * call the request itself cancelled, no. Decided by the caller, which knows its errors.
   */
  canStandIn(error: unknown): boolean;
  /** Whether a failure is a cancellation by the request that made the call (not the backend's). */
  isCancellation(error: unknown): boolean;
}

export function createEntityCache<V>(options: EntityCacheOptions): EntityCache<V> {
  const { cache, ttl, service } = options;
  const clock = options.now ?? systemClock;
  const enabled = ttl.freshMs > 0 && ttl.staleMs > 0;
  const prefix = `${options.keyPrefix}:${CACHE_FORMAT_VERSION}:${options.kind}:`;
  const envelope = (value: V, now: number): CacheEnvelope => ({ v: value, t: now, x: now + ttl.staleMs });
  const { canStandIn, isCancellation } = options;
  /**
   * Backend calls under way, by id, shared by every request of this instance: ten
   * requests that miss the same product at once make one catalog call (single-flight).
   * Only cacheable entities are shared (what the cache would share a moment later
   * anyway); entries live only while their call does, so the map is bounded by the
   * calls in flight.
   */
  const inFlight = new Map<string, Promise<Outcome<V | null>>>();

  /** One call for the ids nobody is fetching yet; a share of the calls under way for the others. */
  const fetchShared = async (ids: readonly string[], fetchMany: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>) => {
    const waiting: [string, Promise<Outcome<V | null>>][] = [];
    const own = new Set<string>();
    for (const id of ids) {
      const shared = inFlight.get(id);
      if (shared !== undefined) waiting.push([id, shared]);
      else own.add(id);
    }
    if (own.size > 0) {
      const call = fetchMany([...own]).then(async (found) => {
        const fetchedAt = clock();
        await cache.setMany([...found].map(([id, value]) => ({ key: prefix + id, envelope: envelope(value, fetchedAt) })));
        return found;
      });
      for (const id of own) {
        const outcome = call.then(
          (found): Outcome<V | null> => ({ ok: true, value: found.get(id) ?? null }),
          (error: unknown): Outcome<V | null> => ({ ok: false, error }),
        );
        inFlight.set(id, outcome);
        void outcome.then(() => {
          if (inFlight.get(id) === outcome) inFlight.delete(id);
        });
        waiting.push([id, outcome]);
      }
    }
    const outcomes = new Map<string, Outcome<V | null>>();
    for (const [id, outcome] of waiting) outcomes.set(id, await outcome);
    // Another request's deadline or departed client is not ours: fetch those again ourselves.
    const cancelled = [...outcomes].filter(([id, o]) => !own.has(id) && !o.ok && isCancellation(o.error)).map(([id]) => id);
    if (cancelled.length > 0) {
      try {
        const found = await fetchMany(cancelled);
        for (const id of cancelled) outcomes.set(id, { ok: true, value: found.get(id) ?? null });
      } catch (error) {
        for (const id of cancelled) outcomes.set(id, { ok: false, error });
      }
    }
    return outcomes;
  };

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
      const now = clock();
      const cached = await cache.getMany(ids.map((id) => prefix + id));
      const results: (V | null | Error)[] = new Array<V | null | Error>(ids.length);
      const missing: string[] = [];
      for (let i = 0; i < ids.length; i += 1) {
        const entry = cached[i];
        if (entry !== undefined && now - entry.t < ttl.freshMs) results[i] = entry.v as V;
        else missing.push(ids[i]!);
      }
      if (missing.length === 0) return results;

      const outcomes = await fetchShared(missing, fetchMany);
      for (let i = 0; i < ids.length; i += 1) {
        if (results[i] !== undefined) continue;
        const outcome = outcomes.get(ids[i]!)!;
        if (outcome.ok) {
          results[i] = outcome.value;
          continue;
        }
        const entry = cached[i];
        if (entry !== undefined && canStandIn(outcome.error)) {
          results[i] = entry.v as V;
          stale?.mark(entry.v, service, Math.floor((now - entry.t) / 1000));
        } else {
          results[i] = toError(outcome.error);
        }
      }
      return results;
    },

    async load(id, fetchOne, stale) {
      if (!enabled) return fetchOne();
      const key = prefix + id;
      const now = clock();
      const [entry] = await cache.getMany([key]);
      if (entry !== undefined && now - entry.t < ttl.freshMs) return entry.v as V;
      const outcome = (await fetchShared([id], async () => new Map([[id, await fetchOne()]]))).get(id)!;
      if (outcome.ok) return outcome.value as V;
      if (entry === undefined || !canStandIn(outcome.error)) throw outcome.error;
      stale?.mark(entry.v, service, Math.floor((now - entry.t) / 1000));
      return entry.v as V;
    },

    async put(id, value) {
      if (enabled) await cache.setMany([{ key: prefix + id, envelope: envelope(value, clock()) }]);
    },
  };
}

// Private:

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
