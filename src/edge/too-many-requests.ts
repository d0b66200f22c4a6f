import { rateLimited } from '../errors/client-errors.js';
import type { RateLimitDecision } from './client-rate-limiter.js';

/** An HTTP answer as plain parts: node:http and the Fetch API both send it as is. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers of a decision, on every answer the client limit let through or not:
 * `RateLimit-*` (IETF draft) and the same values as `X-RateLimit-*` (the names Envoy sends
 * and most mobile SDKs read). Reset is in seconds from now in both, as Envoy's, never an
 * epoch time: a client reading seconds as an epoch retries at once and gets a 429 with
 * Retry-After; the other way round it would wait decades.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const limit = String(decision.limit);
  const remaining = String(decision.remaining);
  const reset = String(decision.resetSeconds);
  return {
    'ratelimit-limit': limit,
    'ratelimit-remaining': remaining,
    'ratelimit-reset': reset,
    'x-ratelimit-limit': limit,
    'x-ratelimit-remaining': remaining,
    'x-ratelimit-reset': reset,
  };
}

/**
 * The 429 of the client rate limit (one contract, whether the request was refused before
 * its body was read or, for a batch, after): RATE_LIMITED with `retryAfter`, `Retry-After`,
 * `RateLimit-*` and `X-RateLimit-*`, never cached.
 */
export function tooManyRequests(decision: RateLimitDecision): PlainResponse {
  // When this request would fit: the sliding window frees the oldest counted requests first.
  const retryAfter = decision.retryAfterSeconds;
  return {
    status: 429,
    headers: {
      'content-type': 'application/graphql-response+json; charset=utf-8',
      'retry-after': String(retryAfter),
      'cache-control': 'no-store',
      ...rateLimitHeaders(decision),
    },
    body: JSON.stringify({ errors: [rateLimited(retryAfter)] }),
  };
}
