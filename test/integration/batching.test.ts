import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { writeTempFile } from '../helpers/write-temp-file.js';

describe('batching: backend calls per query do not grow with list sizes', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    // 20 orders of 3 items each for u50, so the shape of the query is exact.
    for (let i = 0; i < 20; i += 1) {
      const response = await fetch(`${t.backends.urls.orders}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: 'u50',
          items: [0, 1, 2].map((k) => ({ productId: `p${1 + ((i * 3 + k) % 40)}`, quantity: 1 })),
        }),
      });
      expect(response.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('20 orders with 3 items each make one orders call, one catalog call and one users call', async () => {
    t.resetBackendStats();
    const { body } = await t.gql(
      '{ viewer { orders(first: 20, after: "o01500") { nodes { id user { name } items { quantity product { name } } } } } }',
      { as: 'u50' },
    );
    expect(body.errors).toBeUndefined();
    const nodes = (body.data?.viewer as { orders: { nodes: { items: { product: { name: string } | null }[] }[] } }).orders.nodes;
    expect(nodes).toHaveLength(20);
    expect(nodes.every((n) => n.items.length === 3 && n.items.every((i) => i.product !== null))).toBe(true);

    expect(t.backends.catalog.stats()).toEqual({ requests: 1, byRoute: { 'GET /products': 1 } });
    expect(t.backends.orders.stats()).toEqual({ requests: 1, byRoute: { 'GET /orders': 1 } });
    // viewer and every order's user are the same id: DataLoader dedupes them into one call.
    expect(t.backends.users.stats()).toEqual({ requests: 1, byRoute: { 'GET /users': 1 } });
    const catalogQuery = t.backends.catalog.requests[0]!.query;
    expect(decodeURIComponent(catalogQuery).split('=')[1]!.split(',')).toHaveLength(40);
  });

  it('products(ids) is one catalog batch call, keeps order and nulls unknown ids without errors', async () => {
    t.resetBackendStats();
    const { body } = await t.gql('{ products(ids: ["p3", "p999999", "p1", "p3"]) { id } }');
    expect(body).toEqual({ data: { products: [{ id: 'p3' }, null, { id: 'p1' }, { id: 'p3' }] } });
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it('a missing product is null without an error', async () => {
    const { body } = await t.gql('{ product(id: "p0") { id } known: product(id: "p500") { id name } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ product: null, known: { id: 'p500', name: expect.any(String) } });
  });
});

describe('batching: maxBatchSize splits large batches', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      GATEWAY_CONFIG: writeTempFile('gateway.json', { services: { catalog: { maxBatchSize: 10 } } }),
    });
  }, 20_000);
  afterAll(() => t?.close());

  it('is configured through GATEWAY_CONFIG', () => {
    expect(t.config.services.catalog.maxBatchSize).toBe(10);
  });

  it('25 products with maxBatchSize 10 make 3 catalog calls of at most 10 ids', async () => {
    t.resetBackendStats();
    const ids = Array.from({ length: 25 }, (_, i) => `p${i + 1}`);
    const { body } = await t.gql('query($ids: [ID!]!) { products(ids: $ids) { id } }', { variables: { ids } });
    expect((body.data?.products as { id: string }[]).map((p) => p.id)).toEqual(ids);
    expect(t.backends.catalog.stats().requests).toBe(3);
    const sizes = t.backends.catalog.requests.map((r) => decodeURIComponent(r.query).split('=')[1]!.split(',').length);
    expect(sizes.sort((a, b) => a - b)).toEqual([5, 10, 10]);
  });
});
