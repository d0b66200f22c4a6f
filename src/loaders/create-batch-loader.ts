import DataLoader from 'dataloader';
import type { EntityCache } from '../cache/create-entity-cache.js';
import type { StaleTracker } from '../cache/stale-tracker.js';
import { invalidId } from '../errors/client-errors.js';

/**
 * What an id may be before it reaches a backend: a comma would turn one id into several
 * at a batch endpoint (`?ids=a,b`), and a 64 KiB id would be a 64 KiB URL.
 */
const ENTITY_ID = /^[A-Za-z0-9_.:~=+-]{1,128}$/;

export interface BatchLoaderOptions<V> {
  /** Most keys in one backend call; DataLoader splits a larger batch into several calls. */
  maxBatchSize: number;
  /** One backend call for these ids; ids the backend does not know are absent from the map. */
  fetchMany(ids: readonly string[]): Promise<ReadonlyMap<string, V>>;
  /**
   * The entity's cache: consulted first, filled after, standing in when the call fails.
   * A cache with no TTL (e.g. orders by default) just calls `fetchMany`.
   */
  cache: EntityCache<V>;
  /** Where stale stand-ins of this request are marked. */
  stale?: StaleTracker;
  /** Told the size of every batch (metrics). */
  onBatch?(size: number): void;
}

/**
 * A per-request DataLoader over a backend batch endpoint. The cache sits inside the
 * batch function (DataLoader's own cacheMap must stay synchronous): one cache read
 * for the batch, one backend call for its misses, one cache write. Unknown ids
 * resolve to null (an answer, not an error); when the call fails, every id of that
 * batch without a stale stand-in gets the same error, and only the fields that asked
 * for those ids fail.
 */
export function createBatchLoader<V>(options: BatchLoaderOptions<V>): DataLoader<string, V | null> {
  const { fetchMany, cache, stale, onBatch } = options;
  return new DataLoader<string, V | null>(
    async (ids) => {
      const valid = ids.filter((id) => ENTITY_ID.test(id));
      if (valid.length === ids.length) {
        onBatch?.(ids.length);
        return cache.loadMany(ids, fetchMany, stale);
      }
      // Refused ids fail alone, as their own field errors; the rest are fetched as usual.
      const loaded = valid.length === 0 ? [] : (onBatch?.(valid.length), await cache.loadMany(valid, fetchMany, stale));
      let next = 0;
      return ids.map((id) => (ENTITY_ID.test(id) ? (loaded[next++] ?? null) : invalidId()));
    },
    { maxBatchSize: options.maxBatchSize },
  );
}
