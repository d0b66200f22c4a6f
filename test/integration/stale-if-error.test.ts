import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startStaleCacheGateway, STALE_IF_ERROR_CACHE } from '../helpers/stale-cache-gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';




describe.each(EXECUTORS)('cache TTLs and stale-if-error (%s executor)', (executor) => {
  let t: TestGateway;
  /** Moves entries cached now past their fresh TTL (they stay usable-if-stale), without waiting. */
  let pastFresh: () => void;
  beforeAll(async () => {
    ({ t, pastFresh } = await startStaleCacheGateway(executor, {
      catalog: { cache: STALE_IF_ERROR_CACHE },
      recommendations: { cache: STALE_IF_ERROR_CACHE },
    }));
  });
  afterEach(() => {
    t.backends.catalog.clearFault();
    t.backends.recommendations.clearFault();
    t.resetBackendStats();
  });
  afterAll(() => t.close());

  it('serves a fresh entry without the backend, and asks the backend again once it is past its fresh TTL', async () => {
    await t.gql('{ product(id: "p21") { id } }');
    await t.gql('{ product(id: "p21") { id } }');
    expect(t.backends.catalog.stats().requests).toBe(1);
    pastFresh();
    const { body, headers } = await t.gql('{ product(id: "p21") { id } }');
    expect(body).toEqual({ data: { product: { id: 'p21' } } });
    expect(t.backends.catalog.stats().requests).toBe(2);
    expect(headers.get('cache-control')).toBe('private, no-store');
  });

  it('serves a stale entry, with a STALE_DATA warning and no error, when the backend fails', async () => {
    const fresh = await t.gql('{ product(id: "p22") { id name priceCents } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '500' });
    t.resetBackendStats();
    const { status, headers, body } = await t.gql('{ product(id: "p22") { id name priceCents } }');
    expect(status).toBe(200);
    expect(body).toEqual({
      data: fresh.body.data,
      extensions: {
        warnings: [{ code: 'STALE_DATA', service: 'catalog', path: ['product'], ageSeconds: 60 }],
        degraded: [{ service: 'catalog', code: 'STALE_DATA', stale: true }],
      },
    });
    expect(headers.get('cache-control')).toBe('no-store');
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it('in a list, stale entries stand in and entries never cached fail with the error', async () => {
    await t.gql('{ products(ids: ["p23"]) { id } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '503' });
    const query = '{ products(ids: ["p23", "p24"]) { id } }';
    const { headers, body } = await t.gql(query);
    expect(body).toEqual({
      data: { products: [{ id: 'p23' }, null] },
      errors: [
        {
          message: 'catalog is temporarily unavailable',
          locations: locationOf(query, 'products'),
          path: ['products', 1],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'catalog', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: {
        warnings: [{ code: 'STALE_DATA', service: 'catalog', path: ['products', 0], ageSeconds: 60 }],
        degraded: [{ service: 'catalog', code: 'SERVICE_UNAVAILABLE', retryAfter: 1, stale: true }],
      },
    });
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('stands in for order items and recommendations too, each warning at its own path', async () => {
    const query = '{ viewer { orders(first: 1) { nodes { items { product { id } } } } } recommendations(first: 2) { id } }';
    const before = await t.gql(query, { as: 'u5' });
    expect(before.body.errors).toBeUndefined();
    pastFresh();
    t.backends.catalog.setFault({ mode: '500' });
    t.backends.recommendations.setFault({ mode: 'reset' });
    const { body } = await t.gql(query, { as: 'u5' });
    expect(body.data).toEqual(before.body.data);
    expect(body.errors).toBeUndefined();
    const warnings = (body.extensions?.warnings ?? []) as { service: string; path: (string | number)[] }[];
    const items = (before.body.data as { viewer: { orders: { nodes: { items: unknown[] }[] } } }).viewer.orders.nodes[0]!.items;
    expect(warnings).toEqual(
      expect.arrayContaining([
        { code: 'STALE_DATA', service: 'recommendations', path: ['recommendations'], ageSeconds: 60 },
        { code: 'STALE_DATA', service: 'catalog', path: ['recommendations', 0], ageSeconds: 60 },
        { code: 'STALE_DATA', service: 'catalog', path: ['recommendations', 1], ageSeconds: 60 },
        ...items.map((_, index) => ({
          code: 'STALE_DATA',
          service: 'catalog',
          path: ['viewer', 'orders', 'nodes', 0, 'items', index, 'product'],
          ageSeconds: 60,
        })),
      ]),
    );
    expect(warnings).toHaveLength(3 + items.length);
  });

  it('keeps serving stale data once the breaker is open, without calling the backend', async () => {
    await t.gql('{ product(id: "p25") { id } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '500' });
    for (let i = 0; i < 6; i += 1) await t.gql('{ product(id: "p99") { id } }');
    const health = (await (await fetch(`${t.url}/health/detailed`)).json()) as { services: { catalog: { breaker: string } } };
    expect(health.services.catalog.breaker).toBe('open');
    t.resetBackendStats();
    const { body } = await t.gql('{ product(id: "p25") { id } }');
    expect(body).toEqual({
      data: { product: { id: 'p25' } },
      extensions: {
        warnings: [{ code: 'STALE_DATA', service: 'catalog', path: ['product'], ageSeconds: 60 }],
        degraded: [{ service: 'catalog', code: 'STALE_DATA', stale: true }],
      },
    });
    expect(t.backends.catalog.stats().requests).toBe(0);
  });
});

describe('updateOrder and the order cache', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { gatewayConfig: { services: { orders: { cache: STALE_IF_ERROR_CACHE } } } });
  });
  afterAll(() => t.close());

  it('never serves an order older than the version a mutation just returned', async () => {
    const before = await t.gql('{ order(id: "o00002") { id version status } }', { as: 'u2' });
    expect(before.body.data).toEqual({ order: { id: 'o00002', version: 1, status: expect.any(String) } });
    const updated = await t.gql('mutation { updateOrder(input: { id: "o00002", expectedVersion: 1, note: "leave at the door" }) { version } }', {
      as: 'u2',
    });
    expect(updated.body.data).toEqual({ updateOrder: { version: 2 } });
    t.resetBackendStats();
    const after = await t.gql('{ order(id: "o00002") { version note } }', { as: 'u2' });
    expect(after.body.data).toEqual({ order: { version: 2, note: 'leave at the door' } });
    // Served from the cache the mutation refreshed, not by asking the backend again.
    expect(t.backends.orders.stats().requests).toBe(0);
  });

  it("checks ownership on the cached copy (an order never changes owner); a cached order deleted since is the backend's NOT_FOUND", async () => {
    const cached = await t.gql('{ order(id: "o00052") { id } }', { as: 'u2' });
    expect(cached.body.data).toEqual({ order: { id: 'o00052' } });
    expect((await fetch(`${t.backends.urls.orders}/orders/o00052`, { method: 'DELETE' })).status).toBe(204);
    t.resetBackendStats();
    const { body } = await t.gql('mutation { updateOrder(input: { id: "o00052", expectedVersion: 1, note: "too late" }) { version } }', { as: 'u2' });
    expect(body.errors?.[0]).toMatchObject({ message: 'Order o00052 does not exist', extensions: { code: 'NOT_FOUND', retryable: false } });
    // The owner check passed on the cached copy without a read; the PATCH found nothing.
    expect(t.backends.orders.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /orders/o00052']);
  });
});
