import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { startGatewayPair, type GatewayPair, type RedisClient } from '../helpers/shared-redis.js';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * Anyone may register an automatic persisted query: what registrations can hold is
 * bounded in bytes (memory and Redis) and in time, per client in rate, and only queries
 * that would run are stored.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Answer {
  status: number;
  body: GraphQLResponseBody;
}

async function postJson(t: TestGateway, payload: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponseBody };
}

/** Sends the query with its hash: the Apollo client's second request, the registration. */
const register = (t: TestGateway, query: string, headers: Record<string, string> = {}) =>
  postJson(t, { query, extensions: persisted(sha256(query)) }, headers);
/** Sends the hash alone: the Apollo client's first request. */
const byHash = (t: TestGateway, query: string) => postJson(t, { extensions: persisted(sha256(query)) });

const NOT_FOUND: Answer = {
  status: 200,
  body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: true } }] },
};
const TYPENAME: Answer = { status: 200, body: { data: { __typename: 'Query' } } };

/** A valid query that touches no backend and no entity cache, of about `padding` characters (a comment). */
const cheapQuery = (padding = 0) => `{ __typename } # ${randomUUID()} ${'x'.repeat(padding)}`;

/** A clock the test moves by hand. */
function manualClock() {
  let at = Date.now();
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

describe('APQ in memory: its own store, bounded by bytes', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      {},
      {
        gatewayConfig: {
          // A tiny entity L1: had APQ shared it, a few registrations would evict every entity.
          cache: { l1MaxEntries: 5 },
          persistedQueries: { maxMemoryBytes: 256 * 1024, registrationsPerMinute: 1000 },
        },
      },
    );
  });
  afterAll(() => t.close());

  it('40 registrations of ~30 KB each keep the store within 256 KiB: the newest are kept, the oldest evicted', async () => {
    const queries = Array.from({ length: 40 }, () => cheapQuery(30_000));
    for (const query of queries) expect(await register(t, query)).toEqual(TYPENAME);

    const bytes = t.gateway.persistedQueries.memoryBytes();
    expect(bytes).toBeLessThanOrEqual(256 * 1024);
    // ~60 KB each as counted (2 bytes per character): four fit.
    expect(bytes).toBeGreaterThan(3 * 60_000);
    expect(await byHash(t, queries.at(-1)!)).toEqual(TYPENAME);
    expect(await byHash(t, queries[0]!)).toEqual(NOT_FOUND);
  });

  it('registrations never evict cached entities', async () => {
    t.resetBackendStats();
    expect((await t.gql('{ product(id: "p1") { id } }')).body).toEqual({ data: { product: { id: 'p1' } } });
    expect(t.backends.catalog.stats().requests).toBe(1);
    for (let i = 0; i < 20; i += 1) expect(await register(t, cheapQuery())).toEqual(TYPENAME);
    expect((await t.gql('{ product(id: "p1") { id } }')).body).toEqual({ data: { product: { id: 'p1' } } });
    expect(t.backends.catalog.stats().requests).toBe(1);
  });
});

describe('APQ: only queries that run are registered', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  const refused: [string, string, string][] = [
    ['a query that does not parse', '{ product(id: "p1") { id ', 'GRAPHQL_PARSE_FAILED'],
    ['a query that does not validate', '{ nope }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a query over the token limit (parse)', `{ product(id: "p1") { ${'id '.repeat(2100)}} }`, 'QUERY_TOO_COMPLEX'],
    [
      'a query over the depth limit (validation)',
      '{ viewer { orders { nodes { user { orders { nodes { user { orders { nodes { user { orders { nodes { id } } } } } } } } } } } } }',
      'QUERY_TOO_COMPLEX',
    ],
    [
      'a query over the cost limit (start of execution)',
      '{ viewer { orders(first: 100) { nodes { items { product { id } } user { orders(first: 100) { nodes { id } } } } } } }',
      'QUERY_TOO_COMPLEX',
    ],
  ];

  it.each(refused)('%s is refused and not stored: its hash alone is then PERSISTED_QUERY_NOT_FOUND', async (_name, text, code) => {
    const query = `${text} # ${randomUUID()}`;
    const answer = await register(t, query);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(await byHash(t, query)).toEqual(NOT_FOUND);
  });

  it('a valid query is stored (the contrast)', async () => {
    const query = cheapQuery();
    expect(await register(t, query)).toEqual(TYPENAME);
    expect(await byHash(t, query)).toEqual(TYPENAME);
  });

  it('a hash that is not 64 hex digits is never looked up: PERSISTED_QUERY_NOT_FOUND', async () => {
    expect(await postJson(t, { extensions: persisted('x'.repeat(10_000)) })).toEqual(NOT_FOUND);
  });
});

describe('APQ: registrations per client', () => {
  let t: TestGateway;
  const clock = manualClock();
  beforeAll(async () => {
    t = await startTestGateway({}, { now: clock.now, gatewayConfig: { persistedQueries: { registrationsPerMinute: 3 } } });
  });
  afterAll(() => t.close());

  const limitedTotal = async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return sampleValue(parsePrometheus(text), 'gateway_rate_limited_total', { scope: 'apq_registration' });
  };

  it('over 3 new registrations a minute, a client\'s queries still run but are not stored; the next minute it may again', async () => {
    expect(await limitedTotal()).toBe(0);
    const queries = Array.from({ length: 5 }, () => cheapQuery());
    for (const query of queries) expect(await register(t, query)).toEqual(TYPENAME);
    expect(await limitedTotal()).toBe(2);
    for (const query of queries.slice(0, 3)) expect(await byHash(t, query)).toEqual(TYPENAME);
    for (const query of queries.slice(3)) expect(await byHash(t, query)).toEqual(NOT_FOUND);

    // Registering a query this instance already holds is not a new registration.
    expect(await register(t, queries[0]!)).toEqual(TYPENAME);
    expect(await limitedTotal()).toBe(2);

    // A signed-in viewer on the same address is another client, with its own budget.
    const viewers = cheapQuery();
    expect(await register(t, viewers, { authorization: `Bearer ${await t.token('u1')}` })).toEqual(TYPENAME);
    expect(await byHash(t, viewers)).toEqual(TYPENAME);

    clock.advance(MINUTE);
    expect(await register(t, queries[3]!)).toEqual(TYPENAME);
    expect(await byHash(t, queries[3]!)).toEqual(TYPENAME);
  });
});

describe('APQ: entries expire (1 h unless used, 24 h after a use)', () => {
  let t: TestGateway;
  const clock = manualClock();
  beforeAll(async () => {
    t = await startTestGateway({}, { now: clock.now });
  });
  afterAll(() => t.close());

  it('a registration nobody uses is gone after an hour', async () => {
    const query = cheapQuery();
    expect(await register(t, query)).toEqual(TYPENAME);
    clock.advance(HOUR + 1);
    expect(await byHash(t, query)).toEqual(NOT_FOUND);
  });

  it('each use extends an entry to 24 h; 24 h without a use and it is gone', async () => {
    const query = cheapQuery();
    expect(await register(t, query)).toEqual(TYPENAME);
    clock.advance(30 * MINUTE);
    expect(await byHash(t, query)).toEqual(TYPENAME);
    clock.advance(23 * HOUR);
    expect(await byHash(t, query)).toEqual(TYPENAME);
    clock.advance(23 * HOUR);
    expect(await byHash(t, query)).toEqual(TYPENAME);
    clock.advance(24 * HOUR + 1);
    expect(await byHash(t, query)).toEqual(NOT_FOUND);
  });
});

describe('APQ in Redis: a byte budget shared by every instance, TTLs on every entry', () => {
  let pair: GatewayPair;
  let a: TestGateway;
  let b: TestGateway;
  let keyPrefix: string;
  let redis: RedisClient;
  const BUDGET = 100_000;
  beforeAll(async () => {
    pair = await startGatewayPair({}, { gatewayConfig: { persistedQueries: { maxRedisBytes: BUDGET, registrationsPerMinute: 1000 } } });
    ({ a, b, keyPrefix, redis } = pair);
  });
  afterAll(() => pair?.close());

  /** Every APQ query in Redis: key → bytes and remaining TTL. */
  const storedQueries = async () => {
    const keys = await redis.keys(`${keyPrefix}:apq:v2:q:*`);
    return Promise.all(keys.map(async (key) => ({ key, bytes: await redis.strLen(key), ttlMs: await redis.pTTL(key) })));
  };

  it('10 registrations of ~30 KB keep Redis within 100 000 bytes, each with a TTL of at most 1 h; rate-limit counters are untouched', async () => {
    const queries = Array.from({ length: 10 }, () => cheapQuery(30_000));
    for (const query of queries) expect(await register(a, query)).toEqual(TYPENAME);
    await a.gateway.persistedQueries.settled();

    const stored = await storedQueries();
    const bytes = stored.reduce((sum, entry) => sum + entry.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(BUDGET);
    expect(stored.length).toBe(3);
    for (const entry of stored) {
      expect(entry.ttlMs).toBeGreaterThan(0);
      expect(entry.ttlMs).toBeLessThanOrEqual(HOUR);
    }
    // The accounting matches what is there.
    expect(Number(await redis.hGet(`${keyPrefix}:apq:v2:sizes`, '#total'))).toBe(bytes);
    expect(await redis.zCard(`${keyPrefix}:apq:v2:index`)).toBe(3);
    // The budget evicts APQ entries only: the client limit's counters are still there.
    expect((await redis.keys(`${keyPrefix}:rl:window:client:*`)).length).toBeGreaterThan(0);

    // B has none of them in memory: the newest comes from Redis, the oldest is gone.
    expect(await byHash(b, queries.at(-1)!)).toEqual(TYPENAME);
    expect(await byHash(b, queries[0]!)).toEqual(NOT_FOUND);
  });

  it('a use through any instance extends the Redis TTL to 24 h, and an entry in use outlives unused ones under pressure', async () => {
    // Used through B, which reads it from Redis.
    const used = cheapQuery(30_000);
    expect(await register(a, used)).toEqual(TYPENAME);
    await a.gateway.persistedQueries.settled();
    expect(await redis.pTTL(`${keyPrefix}:apq:v2:q:${sha256(used)}`)).toBeLessThanOrEqual(HOUR);
    expect(await byHash(b, used)).toEqual(TYPENAME);
    expect(await redis.pTTL(`${keyPrefix}:apq:v2:q:${sha256(used)}`)).toBeGreaterThan(23 * HOUR);

    // Used through A, which serves it from memory and extends Redis in the background.
    const usedOnA = cheapQuery(100);
    expect(await register(a, usedOnA)).toEqual(TYPENAME);
    await a.gateway.persistedQueries.settled();
    expect(await byHash(a, usedOnA)).toEqual(TYPENAME);
    await a.gateway.persistedQueries.settled();
    expect(await redis.pTTL(`${keyPrefix}:apq:v2:q:${sha256(usedOnA)}`)).toBeGreaterThan(23 * HOUR);

    for (let i = 0; i < 5; i += 1) expect(await register(a, cheapQuery(30_000))).toEqual(TYPENAME);
    await a.gateway.persistedQueries.settled();
    expect(await redis.get(`${keyPrefix}:apq:v2:q:${sha256(used)}`)).toBe(used);
    const stored = await storedQueries();
    expect(stored.reduce((sum, entry) => sum + entry.bytes, 0)).toBeLessThanOrEqual(BUDGET);
  });
});
