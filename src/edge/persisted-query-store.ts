import type { APQStore } from '@graphql-yoga/plugin-apq';
import { CACHE_FORMAT_VERSION } from '../cache/cache-settings.js';
import type { TieredCache } from '../cache/create-tiered-cache.js';

/** How long a registered query is kept after its last registration. */
const TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * The APQ store on the tiered cache: L1 in the instance, Redis (when configured)
 * shared by every instance, so a query registered through one is found by all.
 */
export function createPersistedQueryStore(cache: TieredCache, keyPrefix: string): APQStore {
  const key = (hash: string) => `${keyPrefix}:${CACHE_FORMAT_VERSION}:apq:${hash}`;
  return {
    async get(hash) {
      const [entry] = await cache.getMany([key(hash)]);
      return typeof entry?.v === 'string' ? entry.v : null;
    },
    async set(hash, query) {
      const now = Date.now();
      await cache.setMany([{ key: key(hash), envelope: { v: query, t: now, x: now + TTL_MS } }]);
    },
  };
}
