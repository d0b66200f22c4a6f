import type { RedisTier } from '../cache/create-redis-tier.js';

export interface ClientRateLimit {
  /** Requests allowed per window (CLIENT_RATE_LIMIT `<max>/<seconds>`). */
  max: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

export interface ClientRateLimiter {
  /**
   * Counts `requests` (default 1) more requests of `clientId` (viewer id, else IP) and
   * decides: each operation of a batch is one request.
   */
  hit(clientId: string, requests?: number): Promise<RateLimitDecision>;
}

export interface ClientRateLimiterOptions {
  limit: ClientRateLimit;
  /** Shared counters, so the limit holds across instances; null = per instance. */
  redis: RedisTier | null;
  keyPrefix: string;
  now?: () => number;
}

/**
 * A fixed-window counter per client, checked before a request is parsed (and, for a
 * batch, again once it is: its other operations are counted then). With Redis
 * the count is shared by every instance (one atomic INCR per request); when Redis
 * fails, each instance falls back to its own counters: limits loosen, the gateway
 * never refuses everyone because Redis is down.
 */
export function createClientRateLimiter(options: ClientRateLimiterOptions): ClientRateLimiter {
  const { limit, redis } = options;
  const now = options.now ?? Date.now;
  const windowMs = limit.windowSeconds * 1000;
  const local = new Map<string, number>();
  let localWindow = -1;

  const countLocally = (key: string, window: number, by: number): number => {
    if (window !== localWindow) {
      // A new window: yesterday's counters are garbage, drop them all at once.
      local.clear();
      localWindow = window;
    }
    const count = (local.get(key) ?? 0) + by;
    local.set(key, count);
    return count;
  };

  return {
    async hit(clientId, requests = 1) {
      const at = now();
      const window = Math.floor(at / windowMs);
      const key = `${options.keyPrefix}:rl:client:${window}:${clientId}`;
      let count: number;
      if (redis !== null) {
        const shared = await redis.increment(key, windowMs, requests);
        count = shared.ok ? shared.value : countLocally(key, window, requests);
      } else {
        count = countLocally(key, window, requests);
      }
      return {
        allowed: count <= limit.max,
        limit: limit.max,
        remaining: Math.max(0, limit.max - count),
        resetSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - at) / 1000)),
      };
    },
  };
}
