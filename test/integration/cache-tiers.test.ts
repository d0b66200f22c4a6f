import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayPair, type GatewayPair, type RedisClient } from '../helpers/shared-redis.js';
import type { TestGateway } from '../helpers/start-test-gateway.js';

describe('tiered cache: L1 in process, L2 in a real Redis shared by instances', () => {
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

  it('misses both tiers first, then serves the same product from L1 without a backend call', async () => {
    const first = await a.gql('{ product(id: "p7") { id name } }');
    expect(first.body.data?.product).toEqual({ id: 'p7', name: expect.any(String) });
    expect(a.backends.catalog.stats().requests).toBe(1);
    expect(a.cacheLookups).toEqual({ l1: { hit: 0, miss: 1 }, l2: { hit: 0, miss: 1 } });

    const second = await a.gql('{ product(id: "p7") { id name } }');
    expect(second.body).toEqual(first.body);
    expect(a.backends.catalog.stats().requests).toBe(1);
    expect(a.cacheLookups.l1).toEqual({ hit: 1, miss: 1 });
  });

  it('stores entries in Redis under a namespaced, versioned key', async () => {
    await a.gateway.cache.settled();
    const raw = await redis.get(`${keyPrefix}:v1:source.catalog:bdrTeXnoDWkEzrX41oC2FD:p7`);
    expect(raw).not.toBeNull();
    const stored = JSON.parse(raw!) as { value: { v: { id: string }; t: number; x: number } };
    expect(stored.value.v.id).toBe('p7');
    // The hard TTL of products is 24 h.
    expect(stored.value.x - stored.value.t).toBe(86_400_000);
    const ttl = await redis.pTTL(`${keyPrefix}:v1:source.catalog:bdrTeXnoDWkEzrX41oC2FD:p7`);
    expect(ttl).toBeGreaterThan(86_000_000);
  });

  it("a second instance's first request is an L2 hit, then promoted into its L1", async () => {
    const { body } = await b.gql('{ product(id: "p7") { id name } }');
    expect(body.data?.product).toEqual({ id: 'p7', name: expect.any(String) });
    expect(b.backends.catalog.stats().requests).toBe(0);
    expect(b.cacheLookups).toEqual({ l1: { hit: 0, miss: 1 }, l2: { hit: 1, miss: 0 } });
    await b.gql('{ product(id: "p7") { id } }');
    expect(b.cacheLookups.l1.hit).toBe(1);
    expect(b.cacheLookups.l2).toEqual({ hit: 1, miss: 0 });
  });

  it('one batch is one read per tier and one backend call for the misses only', async () => {
    a.resetBackendStats();
    const { body } = await a.gql('{ products(ids: ["p7", "p8", "p9"]) { id } }');
    expect(body.data?.products).toEqual([{ id: 'p7' }, { id: 'p8' }, { id: 'p9' }]);
    expect(a.backends.catalog.requests.map((r) => decodeURIComponent(r.query))).toEqual(['ids=p8,p9']);
  });

  it('runs a Lua script by its SHA, sending the source only while this Redis does not know it', async () => {
    // A source no Redis has seen: the first call meets NOSCRIPT and falls back to EVAL.
    const source = `return redis.call('GET', KEYS[1]) -- ${randomUUID()}`;
    const sha = createHash('sha1').update(source).digest('hex');
    await redis.set(`${keyPrefix}:script-test`, 'stored');
    expect(await redis.scriptExists(sha)).toEqual([0]);
    expect(await a.gateway.cache.redis!.runScript(source, [`${keyPrefix}:script-test`], [])).toEqual({ ok: true, value: 'stored' });
    expect(await redis.scriptExists(sha)).toEqual([1]);
    expect(await a.gateway.cache.redis!.runScript(source, [`${keyPrefix}:script-test`], [])).toEqual({ ok: true, value: 'stored' });
    // A failing script is a failed Redis operation, never an exception.
    expect(await a.gateway.cache.redis!.runScript(`return redis.error_reply('no') -- ${randomUUID()}`, [], [])).toEqual({ ok: false });
  });
});

