import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

describe.each(EXECUTORS)('partial data: one failing backend fails only its fields (%s executor)', (executor) => {
  let t: TestGateway;
  beforeAll(async () => {
    // No retries: this file is about the shape of partial answers, not about policies.
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '0', UPSTREAM_TIMEOUT_MS: '300' }, { cache: false });
  });
  afterEach(() => {
    for (const name of ['users', 'catalog', 'orders', 'recommendations'] as const) t.backends[name].clearFault();
  });
  afterAll(() => t.close());

  it('recommendations answering 503: recommendations is null with SERVICE_UNAVAILABLE, the viewer is intact', async () => {
    t.backends.recommendations.setFault({ mode: '503', retryAfter: 7 });
    const { status, body } = await t.gql('{ viewer { id name } recommendations(first: 2) { id } }', { as: 'u1' });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { viewer: { id: 'u1', name: expect.any(String) }, recommendations: null },
      errors: [
        {
          message: 'recommendations is temporarily unavailable',
          locations: [{ line: 1, column: 22 }],
          path: ['recommendations'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 7 },
        },
      ],
      extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 7, stale: false }] },
    });
  });

  it('catalog answering 500: every product of the batch is null with UPSTREAM_ERROR, orders still answer', async () => {
    t.backends.catalog.setFault({ mode: '500' });
    const { body } = await t.gql('{ viewer { orders(first: 1) { nodes { id items { productId product { name } } } } } }', { as: 'u1' });
    const nodes = (body.data?.viewer as { orders: { nodes: { id: string; items: { productId: string; product: unknown }[] }[] } }).orders.nodes;
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.items.every((item) => item.product === null && typeof item.productId === 'string')).toBe(true);
    expect(body.errors).toHaveLength(nodes[0]!.items.length);
    for (const [index, error] of (body.errors ?? []).entries()) {
      expect(error).toEqual({
        message: 'catalog failed to answer',
        locations: [{ line: 1, column: 60 }],
        path: ['viewer', 'orders', 'nodes', 0, 'items', index, 'product'],
        extensions: { code: 'UPSTREAM_ERROR', service: 'catalog', retryable: true, retryAfter: 1 },
      });
    }
  });

  it('a garbage body is UPSTREAM_ERROR and leaks nothing of the backend', async () => {
    t.backends.catalog.setFault({ mode: 'garbage' });
    const { body } = await t.gql('{ products(ids: ["p1", "p2"]) { id } }');
    expect(body.data).toEqual({ products: [null, null] });
    const text = JSON.stringify(body.errors);
    expect(text).not.toMatch(/127\.0\.0\.1|html|stack|oops/i);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR']);
  });

  it('a hanging backend is UPSTREAM_TIMEOUT after the per-attempt timeout', async () => {
    t.backends.users.setFault({ mode: 'hang' });
    const started = performance.now();
    const { body } = await t.gql('{ viewer { id } product(id: "p1") { id } }', { as: 'u1' });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(body.data).toEqual({ viewer: null, product: { id: 'p1' } });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', service: 'users', retryable: true, retryAfter: 1 });
  });

  it('a connection reset is SERVICE_UNAVAILABLE', async () => {
    t.backends.orders.setFault({ mode: 'reset' });
    const { body } = await t.gql('{ order(id: "o00001") { id } product(id: "p1") { id } }', { as: 'u1' });
    expect(body.data).toEqual({ order: null, product: { id: 'p1' } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'orders', retryable: true });
  });
});
