import { rateLimited } from '../errors/client-errors.js';
import type { RateLimitDecision } from './client-rate-limiter.js';

/** An HTTP answer as plain parts: node:http and the Fetch API both send it as is. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The `RateLimit-*` headers of a decision, on every answer the client limit let through or not. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
}

/**
 * The 429 of the client rate limit (one contract, whether the request was refused before
 * its body was read or, for a batch, after): RATE_LIMITED with `retryAfter`, `Retry-After`,
 * `RateLimit-*`, never cached.
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
