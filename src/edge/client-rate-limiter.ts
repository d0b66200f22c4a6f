import type { RedisTier } from '../cache/create-redis-tier.js';
import { createSlidingWindowLimiter } from './sliding-window-limiter.js';

export interface ClientRateLimit {
  /** Requests allowed in any `windowSeconds`-long interval (CLIENT_RATE_LIMIT `<max>/<seconds>`). */
  max: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The client's `max` (its tier's, else the default). */
  limit: number;
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (some quota comes back). */
  resetSeconds: number;
  /** Refused: seconds until this request would fit (Retry-After); allowed: 0. */
  retryAfterSeconds: number;
}

export interface ClientRateLimiter {
  /**
   * Counts `weight` requests of `clientId` (`user:<id>` or `ip:<address>`) and decides:
   * each operation of a batch is one request. `tier` (the token's tier claim) picks the
   * limit, an unknown or missing tier the default. A refusal counts nothing.
   */
  hit(clientId: string, weight?: number, tier?: string): Promise<RateLimitDecision>;
  /** Clients held in this instance's memory (Redis down or absent); at most `maxClients`. */
  size(): number;
}

export interface ClientRateLimiterOptions {
  limit: ClientRateLimit;
  /** CLIENT_RATE_LIMIT_TIERS: limits by tier name. @default none */
  tiers?: ReadonlyMap<string, ClientRateLimit>;
  /** Shared state, so the limit holds across instances; null = per instance. */
  redis: RedisTier | null;
  keyPrefix: string;
  /** Clients remembered in memory at most (least recently seen forgotten first). @default 50_000 */
  maxClients?: number;
  now?: () => number;
}

/**
 * The per-client limit, checked before a request is parsed (and, for a batch, again once
 * it is: its other operations are counted then): a sliding window, so no
 * client gets more than `max` requests in any `windowSeconds`-long interval, across
 * instances through Redis (one atomic script per request), per instance in memory when
 * Redis is down. The state is keyed by client only, so a client whose tier changes keeps
 * what it already used.
 */
export function createClientRateLimiter(options: ClientRateLimiterOptions): ClientRateLimiter {
  const limiter = createSlidingWindowLimiter({
    redis: options.redis,
    ...(options.maxClients === undefined ? {} : { maxKeys: options.maxClients }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const tiers = options.tiers ?? new Map<string, ClientRateLimit>();
  return {
    async hit(clientId, weight = 1, tier) {
      const limit = (tier === undefined ? undefined : tiers.get(tier)) ?? options.limit;
      const decision = await limiter.take(
        `${options.keyPrefix}:rl:window:client:${clientId}`,
        { max: limit.max, windowMs: limit.windowSeconds * 1000 },
        { weight },
      );
      return {
        allowed: decision.allowed,
        limit: limit.max,
        remaining: decision.remaining,
        resetSeconds: Math.max(1, Math.ceil(decision.resetMs / 1000)),
        retryAfterSeconds: decision.allowed ? 0 : Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
      };
    },
    size: () => limiter.size(),
  };
}
