import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectRateLimited, rateLimitedTotal } from '../helpers/client-rate-limit.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startGatewayPair, type GatewayPair } from '../helpers/shared-redis.js';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ product(id: "p1") { id } }';

/** POSTs a JSON array of `size` operations; `as` signs a token for that viewer. */
async function postBatch(t: TestGateway, size: number, as: string, query = QUERY) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${await t.token(as)}`,
    },
    body: JSON.stringify(Array.from({ length: size }, () => ({ query }))),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponseBody | GraphQLResponseBody[] };
}

const backendCalls = (t: TestGateway) =>
  (['users', 'catalog', 'orders', 'recommendations'] as const).reduce((sum, name) => sum + t.backends[name].stats().requests, 0);

/**
 * A batch (a JSON array of up to 10 operations) is one HTTP request, but the client
 * limit counts each of its operations: the request was counted once before its body
 * was read, and a batch of n is charged n − 1 more once parsed. A batch used to cost
 * one request whatever its size.
 */
describe('batch rate limit: every operation of a batch counts (CLIENT_RATE_LIMIT=5/60)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_RATE_LIMIT: '5/60' });
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  it('a batch of 10 is 429 RATE_LIMITED and runs none of its operations; it costs its client the one request counted before its body', async () => {
    const before = await rateLimitedTotal(t, 'client');
    const { status, headers, body } = await postBatch(t, 10, 'batch-a1');
    expect(status).toBe(429);
    // 10 never fit in 5: Retry-After is the whole window. The refusal counted nothing, so
    // the 4 requests left are still there (RateLimit-Remaining 4, not 0).
    expect(headers.get('retry-after')).toBe('60');
    expect(headers.get('ratelimit-limit')).toBe('5');
    expect(headers.get('ratelimit-remaining')).toBe('4');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ errors: [{ message: 'Too many requests: try again in 60 s', extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter: 60 } }] });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(backendCalls(t)).toBe(0);
    expect(await rateLimitedTotal(t, 'client')).toBe(before + 1);

    const next = await t.gql(QUERY, { as: 'batch-a1' });
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe('3');
  });

  it('a batch of 4 answers with RateLimit-Remaining 1; a batch of 2 after it is refused', async () => {
    const first = await postBatch(t, 4, 'batch-a2');
    expect(first.status).toBe(200);
    expect(first.body).toEqual(Array.from({ length: 4 }, () => ({ data: { product: { id: 'p1' } } })));
    expect(first.headers.get('ratelimit-limit')).toBe('5');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');

    const second = await postBatch(t, 2, 'batch-a2');
    expectRateLimited(second.status, second.headers, second.body as GraphQLResponseBody);
  });

  it('an anonymous batch is counted against its IP', async () => {
    const answer = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(Array.from({ length: 6 }, () => ({ query: QUERY }))),
      localAddress: '127.0.0.4',
    });
    expect(answer.status).toBe(429);
    // The IP's first request was counted before the body was read; the refused 5 others were not.
    expect(answer.headers['ratelimit-remaining']).toBe('4');
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('a batch over the batch limit (11) is 413 as before and counts once, not 11 times', async () => {
    const tooBig = await postBatch(t, 11, 'batch-a3');
    expect(tooBig.status).toBe(413);
    const next = await t.gql(QUERY, { as: 'batch-a3' });
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe('3');
  });

  it('each operation of a batch is cost-checked on its own, as if sent alone', async () => {
    const alias = (i: number) => `a${i}: orders(first: 100) { nodes { user { orders { pageInfo { hasNextPage } } } } }`;
    const expensive = `{ viewer { ${Array.from({ length: 12 }, (_, i) => alias(i)).join(' ')} } }`;
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await t.token('u1')}` },
      body: JSON.stringify([{ query: QUERY }, { query: expensive }]),
    });
    const body = (await response.json()) as GraphQLResponseBody[];
    expect(body[0]).toEqual({ data: { product: { id: 'p1' } } });
    expect(body[1]?.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 5000, actual: 28_813 });
    expect(t.backends.orders.stats().requests).toBe(0);
  });
});

describe('batch rate limit through Redis: a batch counts its operations on every instance (CLIENT_RATE_LIMIT=6/60)', () => {
  let pair: GatewayPair;
  beforeAll(async () => {
    // 1 s per Redis command, not 50 ms: on a loaded machine a late reply sends an instance
    // to its own counters (the fallback), and this test is about the shared ones.
    pair = await startGatewayPair({ CLIENT_RATE_LIMIT: '6/60' }, { gatewayConfig: { cache: { redisTimeoutMs: 1000 } } });
  });
  afterAll(() => pair?.close());

  it('a batch of 4 to A and one of 2 to B use the whole limit; the next request to A is 429', async () => {
    const toA = await postBatch(pair.a, 4, 'batch-r1');
    expect(toA.status).toBe(200);
    expect(toA.headers.get('ratelimit-remaining')).toBe('2');
    const toB = await postBatch(pair.b, 2, 'batch-r1');
    expect(toB.status).toBe(200);
    expect(toB.headers.get('ratelimit-remaining')).toBe('0');
    const again = await pair.a.gql(QUERY, { as: 'batch-r1' });
    expectRateLimited(again.status, again.headers, again.body);
    // One hash per client in Redis: the 6 operations that ran; the refused request counted nothing.
    const keys = await pair.redis.keys(`${pair.keyPrefix}:rl:window:client:user:batch-r1`);
    expect(keys).toHaveLength(1);
    const buckets = Object.values(await pair.redis.hGetAll(keys[0]!));
    expect(buckets.reduce((sum, bucket) => sum + Number(bucket.split(':')[0]), 0)).toBe(6);
  });
});
