import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { expectRateLimited, rateLimitedTotal } from '../helpers/client-rate-limit.js';
import { rawRequest } from '../helpers/raw-http.js';
import { closedPort } from '../helpers/closed-port.js';
import { startGatewayPair, type GatewayPair, type RedisClient } from '../helpers/shared-redis.js';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';
import { writeTempFile } from '../helpers/write-temp-file.js';

const QUERY = '{ product(id: "p1") { id } }';

describe('client rate limit (CLIENT_RATE_LIMIT=5/60), per instance without Redis', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_RATE_LIMIT: '5/60' });
  });
  afterAll(() => t.close());

  it('lets 5 requests through counting down, answers the 6th with 429 and calls no backend for it', async () => {
    const before = await rateLimitedTotal(t, 'client');
    for (let i = 1; i <= 5; i += 1) {
      const { status, headers, body } = await t.gql(QUERY, { as: 'rl-a1' });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { product: { id: 'p1' } } });
      expect(headers.get('ratelimit-limit')).toBe('5');
      expect(headers.get('ratelimit-remaining')).toBe(String(5 - i));
      const reset = Number(headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    t.resetBackendStats();
    const sixth = await t.gql(QUERY, { as: 'rl-a1' });
    expectRateLimited(sixth.status, sixth.headers, sixth.body);
    expect(sixth.headers.get('ratelimit-limit')).toBe('5');
    expect(sixth.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(sixth.headers.get('ratelimit-reset'))).toBe(Number(sixth.headers.get('retry-after')));
    const calls = (['users', 'catalog', 'orders', 'recommendations'] as const).map((name) => t.backends[name].stats().requests);
    expect(calls).toEqual([0, 0, 0, 0]);
    expect(await rateLimitedTotal(t, 'client')).toBe(before + 1);

    // Refused requests keep being refused (and counted).
    const seventh = await t.gql(QUERY, { as: 'rl-a1' });
    expect(seventh.status).toBe(429);
    expect(await rateLimitedTotal(t, 'client')).toBe(before + 2);
  });

  it('counts another viewer separately', async () => {
    for (let i = 0; i < 6; i += 1) await t.gql(QUERY, { as: 'rl-a2' });
    expect((await t.gql(QUERY, { as: 'rl-a2' })).status).toBe(429);
    const other = await t.gql(QUERY, { as: 'rl-a3' });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('4');
  });

  it('counts anonymous callers by IP (127.0.0.2 and 127.0.0.3 are two clients)', async () => {
    const anonymous = (localAddress: string) =>
      rawRequest(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: QUERY }),
        localAddress,
      });
    for (let i = 1; i <= 5; i += 1) {
      const answer = await anonymous('127.0.0.2');
      expect(answer.status).toBe(200);
      expect(answer.headers['ratelimit-remaining']).toBe(String(5 - i));
    }
    expect((await anonymous('127.0.0.2')).status).toBe(429);
    const otherIp = await anonymous('127.0.0.3');
    expect(otherIp.status).toBe(200);
    expect(otherIp.headers['ratelimit-remaining']).toBe('4');
  });
});

describe('field rate limit (GATEWAY_CONFIG rateLimits: Query.recommendations 2 per 60s)', () => {
  let t: TestGateway;
  const HOME = '{ viewer { id } recommendations(first: 2) { id } }';
  beforeAll(async () => {
    const gatewayConfig = writeTempFile('gateway.json', {
      rateLimits: { 'Query.recommendations': { max: 2, window: '60s' }, 'Query.product': { max: 2, window: '60s' } },
    });
    t = await startTestGateway({ GATEWAY_CONFIG: gatewayConfig });
  });
  afterAll(() => t.close());

  /**
   * `retryAfter` is when the oldest counted call leaves the 60 s window: 60 s when it was
   * just made, a second less for each second since (a slow machine may take one).
   */
  const limitedError = (query: string, field: string, path: string[] = [field]) => ({
    message: expect.stringMatching(new RegExp(`^Too many requests for ${field}: try again in (5[5-9]|60) s$`)),
    locations: locationOf(query, path[path.length - 1]!),
    path,
    extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter: expect.toSatisfy((value: number) => value >= 55 && value <= 60) },
  });

  it('the 3rd recommendations of a viewer is null with RATE_LIMITED while viewer still answers (HTTP 200)', async () => {
    const before = await rateLimitedTotal(t, 'field');
    for (let i = 0; i < 2; i += 1) {
      const { status, body } = await t.gql(HOME, { as: 'u11' });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ viewer: { id: 'u11' }, recommendations: [{ id: expect.any(String) }, { id: expect.any(String) }] });
    }
    t.resetBackendStats();
    const third = await t.gql(HOME, { as: 'u11' });
    expect(third.status).toBe(200);
    expect(third.body).toEqual({ data: { viewer: { id: 'u11' }, recommendations: null }, errors: [limitedError(HOME, 'recommendations')] });
    // The refused field never reached its backend.
    expect(t.backends.recommendations.stats().requests).toBe(0);
    expect(await rateLimitedTotal(t, 'field')).toBe(before + 1);
  });

  it('another viewer is unaffected', async () => {
    for (let i = 0; i < 3; i += 1) await t.gql(HOME, { as: 'u12' });
    const { body } = await t.gql(HOME, { as: 'u13' });
    expect(body.errors).toBeUndefined();
    expect((body.data as { recommendations: unknown[] }).recommendations).toHaveLength(2);
  });

  // Regression (was broken, now fixed): the aliases of one query resolve concurrently, and @envelop/rate-limiter reads
  // the stored timestamps, then writes them (field-rate-limits.ts leaves its enableBatchRequestCache
  // off): every alias reads the same count and the last write wins, so two aliases count as ONE call
  // (the next single call still passes) although field-rate-limits.ts promises "Each alias of a
  // limited field is one call, so aliasing cannot multiply the quota".
  it('two aliases of recommendations in one query count as two calls: the next query is refused', async () => {
    const twice = '{ a: recommendations(first: 1) { id } b: recommendations(first: 1) { id } }';
    const first = await t.gql(twice, { as: 'u14' });
    expect(first.body.errors).toBeUndefined();
    const next = await t.gql('{ recommendations(first: 1) { id } }', { as: 'u14' });
    expect(next.body.data).toEqual({ recommendations: null });
    expect(next.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  // Regression (was broken, now fixed): same cause as above: `{ a: … b: … c: … }` runs all three under a limit of 2.
  it('three aliases of a field limited to 2 in one query: the third is refused', async () => {
    const thrice = '{ a: recommendations(first: 1) { id } b: recommendations(first: 1) { id } c: recommendations(first: 1) { id } }';
    const { body } = await t.gql(thrice, { as: 'u15' });
    const data = body.data as Record<string, unknown>;
    expect(Object.values(data).filter((value) => value === null)).toHaveLength(1);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
  });

  it('anonymous callers are keyed by their IP; a signed-in viewer on the same IP is not', async () => {
    const anonymous = async (localAddress: string) => {
      const answer = await rawRequest(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: QUERY }),
        localAddress,
      });
      return JSON.parse(answer.body.toString('utf8')) as GraphQLResponseBody;
    };
    expect(await anonymous('127.0.0.4')).toEqual({ data: { product: { id: 'p1' } } });
    expect(await anonymous('127.0.0.4')).toEqual({ data: { product: { id: 'p1' } } });
    expect(await anonymous('127.0.0.4')).toEqual({ data: { product: null }, errors: [limitedError(QUERY, 'product')] });
    // Another IP, and a viewer on the first IP, each have their own quota.
    expect(await anonymous('127.0.0.5')).toEqual({ data: { product: { id: 'p1' } } });
    const viewer = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${await t.token('u16')}`,
      },
      body: JSON.stringify({ query: QUERY }),
      localAddress: '127.0.0.4',
    });
    expect(JSON.parse(viewer.body.toString('utf8'))).toEqual({ data: { product: { id: 'p1' } } });
  });
});

describe('client rate limit shared by two instances through Redis (CLIENT_RATE_LIMIT=6/60)', () => {
  let pair: GatewayPair;
  let a: TestGateway;
  let b: TestGateway;
  let keyPrefix: string;
  let redis: RedisClient;
  beforeAll(async () => {
    // 1 s per Redis command, not 50 ms: on a loaded machine a late reply sends an instance
    // to its own counters (the fallback), and this test is about the shared ones.
    pair = await startGatewayPair({ CLIENT_RATE_LIMIT: '6/60' }, { gatewayConfig: { cache: { redisTimeoutMs: 1000 } } });
    ({ a, b, keyPrefix, redis } = pair);
  });
  afterAll(() => pair?.close());

  it('3 requests to A and 3 to B pass, the 7th (to either) is 429: the sum over instances', async () => {
    const remaining: string[] = [];
    for (const t of [a, a, a, b, b, b]) {
      const { status, headers } = await t.gql(QUERY, { as: 'rl-c1' });
      expect(status).toBe(200);
      remaining.push(headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);
    const toA = await a.gql(QUERY, { as: 'rl-c1' });
    expectRateLimited(toA.status, toA.headers, toA.body);
    const toB = await b.gql(QUERY, { as: 'rl-c1' });
    expectRateLimited(toB.status, toB.headers, toB.body);
    // The state lives in Redis, under the instance's key prefix: one hash per client, a
    // field per tenth of the window ("<requests>:<latest ms>"), expiring with the window.
    // The two refused requests counted nothing.
    const keys = await redis.keys(`${keyPrefix}:rl:window:client:user:rl-c1`);
    expect(keys).toHaveLength(1);
    const buckets = Object.values(await redis.hGetAll(keys[0]!));
    for (const bucket of buckets) expect(bucket).toMatch(/^\d+:\d{13}$/);
    expect(buckets.reduce((sum, bucket) => sum + Number(bucket.split(':')[0]), 0)).toBe(6);
    const ttl = await redis.pTTL(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('client rate limit with Redis failing: local counters', () => {
  let t: TestGateway;
  beforeAll(async () => {
    const port = await closedPort();
    t = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${port}`, CLIENT_RATE_LIMIT: '3/60' });
  });
  afterAll(() => t.close());

  it('still limits per instance (the 4th is 429) and never refuses everyone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await t.gql(QUERY, { as: 'rl-d1' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(t.gateway.cache.redisState()).not.toBe('up');
    const other = await t.gql(QUERY, { as: 'rl-d2' });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ data: { product: { id: 'p1' } } });
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
  });
});
