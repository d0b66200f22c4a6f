import Keyv from 'keyv';
import { isCacheEnvelope, type CacheTier } from './cache-envelope.js';
import { LruStore } from './lru-store.js';
import { systemClock, type Clock } from '../clock.js';

/** L1: Keyv over an in-process LRU; values stay objects (no serialization). */
export function createMemoryTier(maxEntries: number, now: Clock = systemClock): CacheTier {
  const store = new LruStore(maxEntries);
  const keyv = new Keyv({ store, useKeyPrefix: false, serialize: undefined, deserialize: undefined });
  return {
    async getMany(keys) {
      const values: unknown[] = await keyv.getMany([...keys]);
      return values.map((value) => (isCacheEnvelope(value) && value.x > now() ? value : undefined));
    },
    async setMany(writes) {
      const at = now();
      await keyv.setMany(writes.map(({ key, envelope }) => ({ key, value: envelope, ttl: Math.max(1, envelope.x - at) })));
    },
  };
}
