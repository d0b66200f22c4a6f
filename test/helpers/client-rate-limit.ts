import { expect } from 'vitest';
import { parsePrometheus, sampleValue } from './parse-prometheus.js';
import type { GraphQLResponseBody, TestGateway } from './start-test-gateway.js';

/**
 * The client limit counts in fixed windows aligned on the clock (every `windowSeconds`).
 * A test that counts to the limit must not straddle two windows: when the current one
 * ends within `marginMs`, wait for the next one to begin (the only wait here: a clock edge).
 */
export async function awayFromWindowEdge(windowSeconds: number, marginMs = 3000): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 20));
}

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
