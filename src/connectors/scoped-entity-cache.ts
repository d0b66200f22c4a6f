import type { EntityCache } from '../cache/create-entity-cache.js';

/**
 * A source has one entity cache; each of its connector requests (one template, one
 * selection) keeps its entries under a scope of its own, so `/reviews?productIds=p1`
 * and `/questions?productIds=p1` never answer for each other.
 */
export function scopedEntityCache<V>(cache: EntityCache<V>, scope: string): EntityCache<V> {
  const prefix = `${scope}:`;
  return {
    async loadMany(ids, fetchMany, stale) {
      const scoped = ids.map((id) => prefix + id);
      return cache.loadMany(
        scoped,
        async (wanted) => {
          const found = await fetchMany(wanted.map((id) => id.slice(prefix.length)));
          return new Map([...found].map(([id, value]) => [prefix + id, value]));
        },
        stale,
      );
    },
    load: (id, fetchOne, stale) => cache.load(prefix + id, fetchOne, stale),
    put: (id, value) => cache.put(prefix + id, value),
  };
}
