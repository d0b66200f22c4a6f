import type { Clock } from '../clock.js';
import type { Logger } from '../observability/create-logger.js';
import type { CacheEnvelope, CacheTier, CacheWrite } from './cache-envelope.js';
import type { CacheSettings } from './cache-settings.js';
import { createMemoryTier } from './create-memory-tier.js';
import { createRedisTier, type RedisTier } from './create-redis-tier.js';

export type CacheTierName = 'l1' | 'l2';
export type CacheLookupResult = 'hit' | 'miss';

/** Told about every lookup, per tier (metrics). */
export interface CacheObserver {
  lookup?(tier: CacheTierName, result: CacheLookupResult, count: number): void;
  redisError?(error: unknown): void;
}

/**
 * L1 (in-process LRU) in front of L2 (Redis, shared by every instance, optional).
 * Reads go to L1, then to L2 for L1's misses only, and L2 hits are promoted into L1.
 */
export interface TieredCache {
  getMany(keys: readonly string[]): Promise<(CacheEnvelope | undefined)[]>;
  /** L1 at once; L2 in the background, so a slow Redis never delays an answer. */
  setMany(writes: readonly CacheWrite[]): Promise<void>;
  /** L2 state: `disabled` without REDIS_URL. */
  redisState(): 'disabled' | 'connecting' | 'up' | 'degraded';
  /** The shared Redis, for state that must never sit in L1 (rate limits, persisted queries); null without REDIS_URL. */
  readonly redis: RedisTier | null;
  /** Resolves once every background L2 write started so far has ended. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface TieredCacheDeps {
  logger: Logger;
  observer?: CacheObserver;
  /** @default systemClock */
  now?: Clock;
}

export function createTieredCache(settings: CacheSettings, deps: TieredCacheDeps): TieredCache {
  const { observer } = deps;
  const l1 = createMemoryTier(settings.l1MaxEntries, deps.now);
  const l2: RedisTier | null =
    settings.redisUrl === null
      ? null
      : createRedisTier({
          url: settings.redisUrl,
          timeoutMs: settings.redisTimeoutMs,
          breakerThreshold: settings.redisBreakerThreshold,
          halfOpenAfterMs: settings.redisHalfOpenAfterMs,
          logger: deps.logger,
          ...(deps.now === undefined ? {} : { now: deps.now }),
          onError: (error) => observer?.redisError?.(error),
        });
  const pendingWrites = new Set<Promise<void>>();

  const count = (tier: CacheTierName, hits: number, total: number) => {
    if (observer?.lookup === undefined) return;
    if (hits > 0) observer.lookup(tier, 'hit', hits);
    if (total - hits > 0) observer.lookup(tier, 'miss', total - hits);
  };

  return {
    redisState: () => (l2 === null ? 'disabled' : l2.state()),
    redis: l2,

    async getMany(keys) {
      const found = await l1.getMany(keys);
      const missing: number[] = [];
      for (let i = 0; i < found.length; i += 1) if (found[i] === undefined) missing.push(i);
      count('l1', keys.length - missing.length, keys.length);
      if (l2 === null || missing.length === 0) return found;

      const fromL2 = await l2.getMany(missing.map((i) => keys[i]!));
      const promote: CacheWrite[] = [];
      missing.forEach((index, j) => {
        const envelope = fromL2[j];
        if (envelope === undefined) return;
        found[index] = envelope;
        promote.push({ key: keys[index]!, envelope });
      });
      count('l2', promote.length, missing.length);
      if (promote.length > 0) await l1.setMany(promote);
      return found;
    },

    async setMany(writes) {
      if (writes.length === 0) return;
      await l1.setMany(writes);
      if (l2 !== null) {
        const write = l2.setMany(writes).finally(() => pendingWrites.delete(write));
        pendingWrites.add(write);
      }
    },

    async settled() {
      await Promise.allSettled([...pendingWrites]);
    },

    async close() {
      await Promise.allSettled([...pendingWrites]);
      await l2?.close();
    },
  };
}
