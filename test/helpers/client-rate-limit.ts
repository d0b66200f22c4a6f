import { expect } from 'vitest';
import { parsePrometheus, sampleValue } from './parse-prometheus.js';
import type { GraphQLResponseBody, TestGateway } from './start-test-gateway.js';

/** `gateway_rate_limited_total{scope}` as /metrics reports it. */
export async function rateLimitedTotal(t: TestGateway, scope: 'client' | 'field'): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return sampleValue(parsePrometheus(text), 'gateway_rate_limited_total', { scope }) ?? Number.NaN;
}

/** The client limit's 429: status, Retry-After within a 60 s window, RateLimit-Remaining 0, no-store, RATE_LIMITED body. */
export function expectRateLimited(status: number, headers: Headers, body: GraphQLResponseBody): void {
  expect(status).toBe(429);
  const retryAfter = Number(headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(headers.get('ratelimit-remaining')).toBe('0');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(body).toEqual({
    errors: [
      {
        message: `Too many requests: try again in ${retryAfter} s`,
        extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter },
      },
    ],
  });
}
