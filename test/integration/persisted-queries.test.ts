import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import { startGatewayPair, type GatewayPair, type RedisClient } from '../helpers/shared-redis.js';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';
import { writeTempFile } from '../helpers/write-temp-file.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

interface Answer {
  status: number;
  body: GraphQLResponseBody;
}

async function postJson(t: TestGateway, payload: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponseBody };
}

async function getQuery(t: TestGateway, params: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${t.url}/graphql?${new URLSearchParams(params).toString()}`, {
    headers: { accept: 'application/graphql-response+json' },
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponseBody };
}

const NOT_FOUND: Answer = {
  status: 200,
  body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: true } }] },
};

describe('automatic persisted queries (Apollo protocol)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('hash only, unknown: 200 PERSISTED_QUERY_NOT_FOUND; register: data; hash only again: the same data', async () => {
    const query = `{ product(id: "p3") { id name } } # ${randomUUID()}`;
    const hash = sha256(query);
    expect(await postJson(t, { extensions: persisted(hash) })).toEqual(NOT_FOUND);

    const registered = await postJson(t, { query, extensions: persisted(hash) });
    expect(registered).toEqual({ status: 200, body: { data: { product: { id: 'p3', name: expect.any(String) } } } });

    expect(await postJson(t, { extensions: persisted(hash) })).toEqual(registered);
  });

  it('works over GET: ?extensions= alone, and ?query= with extensions to register', async () => {
    const query = `{ product(id: "p4") { id } } # ${randomUUID()}`;
    const hash = sha256(query);
    const extensions = JSON.stringify(persisted(hash));
    expect(await getQuery(t, { extensions })).toEqual(NOT_FOUND);
    const registered = await getQuery(t, { query, extensions });
    expect(registered).toEqual({ status: 200, body: { data: { product: { id: 'p4' } } } });
    expect(await getQuery(t, { extensions })).toEqual(registered);
    // …and what GET registered, POST finds.
    expect(await postJson(t, { extensions: persisted(hash) })).toEqual(registered);
  });

  // forceStatusCodeOk (use-persisted-queries.ts) applies to every APQ error: a mismatch is 200 too.
  it('refuses a hash that is not the sha256 of the query (HTTP 200, PERSISTED_QUERY_MISMATCH), and does not store it', async () => {
    const query = '{ product(id: "p5") { id } }';
    const wrong = sha256('{ product(id: "p6") { id } }');
    const answer = await postJson(t, { query, extensions: persisted(wrong) });
    expect(answer).toEqual({
      status: 200,
      body: { errors: [{ message: 'PersistedQueryMismatch', extensions: { code: 'PERSISTED_QUERY_MISMATCH', retryable: false } }] },
    });
    expect(await postJson(t, { extensions: persisted(wrong) })).toEqual(NOT_FOUND);
  });

  it('still runs ordinary queries', async () => {
    expect(await postJson(t, { query: '{ product(id: "p1") { id } }' })).toEqual({ status: 200, body: { data: { product: { id: 'p1' } } } });
  });
});

describe('automatic persisted queries shared by two instances through Redis', () => {
  let pair: GatewayPair;
  let a: TestGateway;
  let b: TestGateway;
  let keyPrefix: string;
  let redis: RedisClient;
  beforeAll(async () => {
    pair = await startGatewayPair();
    ({ a, b, keyPrefix, redis } = pair);
  });
  afterAll(() => pair?.close());

  it('a query registered on A is found by hash on B', async () => {
    const query = `{ product(id: "p8") { id } } # ${randomUUID()}`;
    const hash = sha256(query);
    expect(await postJson(b, { extensions: persisted(hash) })).toEqual(NOT_FOUND);
    expect(await postJson(a, { query, extensions: persisted(hash) })).toEqual({ status: 200, body: { data: { product: { id: 'p8' } } } });
    await a.gateway.persistedQueries.settled();
    expect(await redis.get(`${keyPrefix}:apq:v2:q:${hash}`)).toBe(query);
    expect(await postJson(b, { extensions: persisted(hash) })).toEqual({ status: 200, body: { data: { product: { id: 'p8' } } } });
  });
});

describe('trusted documents (PERSISTED_QUERIES=only)', () => {
  const trusted = 'query Product($id: ID!) { product(id: $id) { id } }';
  const hash = sha256(trusted);
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ PERSISTED_QUERIES: 'only', PERSISTED_QUERIES_MANIFEST: writeTempFile('manifest.json', { [hash]: trusted }) });
  });
  afterAll(() => t.close());

  it("runs the manifest's operation by hash", async () => {
    expect(await postJson(t, { extensions: persisted(hash), variables: { id: 'p2' } })).toEqual({
      status: 200,
      body: { data: { product: { id: 'p2' } } },
    });
    expect(await getQuery(t, { extensions: JSON.stringify(persisted(hash)), variables: JSON.stringify({ id: 'p3' }) })).toEqual({
      status: 200,
      body: { data: { product: { id: 'p3' } } },
    });
  });

  it('refuses an arbitrary query with 400 PERSISTED_QUERY_ONLY, even the text of a trusted one, without calling a backend', async () => {
    t.resetBackendStats();
    const refused = {
      status: 400,
      body: { errors: [{ message: 'Only trusted (persisted) operations may run on this gateway', extensions: { code: 'PERSISTED_QUERY_ONLY', retryable: false } }] },
    };
    expect(await postJson(t, { query: '{ product(id: "p1") { id } }' })).toEqual(refused);
    expect(await postJson(t, { query: trusted, variables: { id: 'p1' } })).toEqual(refused);
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('answers an unknown hash with 400 PERSISTED_QUERY_NOT_FOUND', async () => {
    expect(await postJson(t, { extensions: persisted(sha256('{ __typename }')) })).toEqual({
      status: 400,
      body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: false } }] },
    });
  });
});

describe('persisted-query configuration errors', () => {
  const base = {
    USERS_URL: 'http://127.0.0.1:4001',
    CATALOG_URL: 'http://127.0.0.1:4002',
    ORDERS_URL: 'http://127.0.0.1:4003',
    RECOMMENDATIONS_URL: 'http://127.0.0.1:4004',
    JWT_SECRET: 'pq-test-jwt-secret-0123456789abcdef',
    SYNC_TOKEN_SECRET: 'pq-test-sync-secret-0123456789abcdef',
  };
  const problemsOf = (env: Record<string, string>): readonly string[] => {
    try {
      loadAppConfig({ ...base, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  it('PERSISTED_QUERIES=only without a manifest names PERSISTED_QUERIES_MANIFEST', () => {
    expect(problemsOf({ PERSISTED_QUERIES: 'only' })).toEqual([
      'PERSISTED_QUERIES_MANIFEST: required when PERSISTED_QUERIES=only (a JSON file of trusted operations)',
    ]);
  });

  it('a manifest whose key is not the sha256 of its document is refused', () => {
    const query = '{ product(id: "p1") { id } }';
    const forged = sha256('{ __typename }');
    const path = writeTempFile('manifest.json', { [forged]: query });
    expect(problemsOf({ PERSISTED_QUERIES: 'only', PERSISTED_QUERIES_MANIFEST: path })).toEqual([
      `PERSISTED_QUERIES_MANIFEST ${path}: ${forged} is not the sha256 of its document (${sha256(query)})`,
    ]);
  });

  it("accepts Apollo's { operations: [{ id, body }] } manifest", () => {
    const query = '{ product(id: "p1") { id } }';
    const path = writeTempFile('manifest.json', { operations: [{ id: sha256(query), body: query }] });
    const config = loadAppConfig({ ...base, PERSISTED_QUERIES: 'only', PERSISTED_QUERIES_MANIFEST: path });
    expect([...config.persistedQueries.manifest]).toEqual([[sha256(query), query]]);
  });

  it('a manifest that is not JSON, or has no operations, is refused', () => {
    const broken = writeTempFile('manifest.json', '{ nope');
    expect(problemsOf({ PERSISTED_QUERIES: 'only', PERSISTED_QUERIES_MANIFEST: broken })[0]).toMatch(
      new RegExp(`^PERSISTED_QUERIES_MANIFEST: ${broken} cannot be read as JSON`),
    );
    const empty = writeTempFile('manifest.json', {});
    expect(problemsOf({ PERSISTED_QUERIES: 'only', PERSISTED_QUERIES_MANIFEST: empty })).toEqual([`PERSISTED_QUERIES_MANIFEST ${empty}: no operations`]);
  });
});

