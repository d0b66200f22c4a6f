import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ product(id: "p1") { id } }';
const ORIGIN = 'https://app.example.com';

const rateLimitHeaders = (headers: Headers) => ({
  limit: headers.get('ratelimit-limit'),
  remaining: headers.get('ratelimit-remaining'),
  reset: headers.get('ratelimit-reset'),
  xLimit: headers.get('x-ratelimit-limit'),
  xRemaining: headers.get('x-ratelimit-remaining'),
  xReset: headers.get('x-ratelimit-reset'),
});

describe('rate-limit headers (CLIENT_RATE_LIMIT=3/60)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_RATE_LIMIT: '3/60', CORS_ORIGINS: ORIGIN });
  });
  afterAll(() => t.close());

  it('every answer carries RateLimit-* and the same values as X-RateLimit-*, Reset in seconds from now', async () => {
    for (let i = 1; i <= 3; i += 1) {
      const { status, headers } = await t.gql(QUERY, { as: 'hdr-1' });
      expect(status).toBe(200);
      const seen = rateLimitHeaders(headers);
      const reset = Number(seen.reset);
      // Seconds until the first of the three leaves the 60 s window: not an epoch time.
      expect(reset).toBeGreaterThanOrEqual(55);
      expect(reset).toBeLessThanOrEqual(60);
      expect(seen).toEqual({ limit: '3', remaining: String(3 - i), reset: seen.reset, xLimit: '3', xRemaining: String(3 - i), xReset: seen.reset });
    }
  });

  it('every 429 carries Retry-After, equal to both Resets, with X-RateLimit-Remaining 0', async () => {
    for (let i = 0; i < 3; i += 1) await t.gql(QUERY, { as: 'hdr-2' });
    for (let i = 0; i < 3; i += 1) {
      const { status, headers, body } = await t.gql(QUERY, { as: 'hdr-2' });
      expect(status).toBe(429);
      const retryAfter = headers.get('retry-after');
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(55);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      expect(rateLimitHeaders(headers)).toEqual({ limit: '3', remaining: '0', reset: retryAfter, xLimit: '3', xRemaining: '0', xReset: retryAfter });
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryable: true, retryAfter: Number(retryAfter) });
    }
  });

  it('GET and failed GraphQL requests carry them too', async () => {
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { accept: 'application/graphql-response+json' } });
    expect(get.status).toBe(200);
    expect(rateLimitHeaders(get.headers)).toMatchObject({ limit: '3', remaining: '2', xLimit: '3', xRemaining: '2' });
    const invalid = await t.gql('{ product(', { as: 'hdr-3' });
    expect(invalid.status).toBe(400);
    expect(rateLimitHeaders(invalid.headers)).toMatchObject({ limit: '3', remaining: '2', xLimit: '3', xRemaining: '2' });
  });

  it('a batch answer, and a batch refused once parsed, carry them with the count after the batch', async () => {
    const batch = async (size: number) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await t.token('hdr-5')}` },
        body: JSON.stringify(Array.from({ length: size }, () => ({ query: QUERY }))),
      });
    const two = await batch(2);
    expect(two.status).toBe(200);
    expect(rateLimitHeaders(two.headers)).toMatchObject({ limit: '3', remaining: '1', xLimit: '3', xRemaining: '1' });
    const three = await batch(3);
    expect(three.status).toBe(429);
    const retryAfter = three.headers.get('retry-after');
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(55);
    const seen = rateLimitHeaders(three.headers);
    expect(seen).toEqual({ limit: '3', remaining: '0', reset: seen.reset, xLimit: '3', xRemaining: '0', xReset: seen.reset });
    // Reset: when the oldest counted request leaves; Retry-After: when two have (the same
    // unless a tenth-of-window bucket turned between the batch's first and second count).
    expect(Number(seen.reset)).toBeLessThanOrEqual(Number(retryAfter));
  });

  it('a browser app may read them (CORS exposes X-RateLimit-* and Retry-After)', async () => {
    const { headers } = await t.gql(QUERY, { as: 'hdr-4', headers: { origin: ORIGIN } });
    const exposed = (headers.get('access-control-expose-headers') ?? '').split(',').map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(
      expect.arrayContaining(['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']),
    );
  });
});
