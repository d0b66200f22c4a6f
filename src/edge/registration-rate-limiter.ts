import { LRUCache } from 'lru-cache';

export interface RegistrationRateLimiterOptions {
  /** Registrations allowed per client per window. */
  max: number;
  windowMs: number;
  /**
   * Clients tracked at once (LRU beyond): the memory bound. A client pushed out starts a
   * fresh window, which only matters to someone rotating through more addresses than
   * this, and the store's byte bounds still hold. @default 50000
   */
  maxClients?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface RegistrationRateLimiter {
  /** Counts one registration of `clientId` if its window still allows one; false when over. */
  tryAcquire(clientId: string): boolean;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A fixed window per client, started by its first registration, in this instance's
 * memory: O(1) per call, bounded in clients and forgotten when the window ends. Only
 * new registrations are counted, so it sits off the path of ordinary queries.
 */
export function createRegistrationRateLimiter(options: RegistrationRateLimiterOptions): RegistrationRateLimiter {
  const now = options.now ?? Date.now;
  const windows = new LRUCache<string, Window>({
    max: options.maxClients ?? 50_000,
    ttl: options.windowMs,
    // The default (1 ms) arms a timer per lookup; the clock is cheap to read.
    ttlResolution: 0,
    perf: { now },
  });
  return {
    tryAcquire(clientId) {
      const at = now();
      const current = windows.get(clientId);
      if (current === undefined || at - current.startedAt >= options.windowMs) {
        windows.set(clientId, { startedAt: at, count: 1 });
        return options.max >= 1;
      }
      if (current.count >= options.max) return false;
      // Mutated in place: the entry keeps the TTL of its window.
      current.count += 1;
      return true;
    },
  };
}
