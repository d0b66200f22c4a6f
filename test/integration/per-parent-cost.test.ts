import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOME_QUERY } from '../../bench/load/queries.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * `User.orders` is one orders-backend call per user (`@cost(perParent: true)`), not a
 * batched DataLoader fetch: under a list of 100 orders, each order's `user.orders` is
 * up to 100 calls. It used to cost 1 per parent, so 12 aliases of it cost 4,825 (under
 * the limit of 5000) and could make 1,212 backend calls (372 with the reference
 * backends' 30 orders per user); each call now costs the page it asks for.
 */
describe('per-parent cost: a field that calls a backend once per parent costs its page per parent', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  const alias = (i: number) => `a${i}: orders(first: 100) { nodes { user { orders { pageInfo { hasNextPage } } } } }`;
  // orders 100 + nodes 1 + 100 × (user 1 + orders 20 (its default page) + pageInfo 1 + hasNextPage 1)
  const ALIAS_COST = 100 + 1 + 100 * (1 + 20 + 1 + 1);

  it('12 aliases of orders → nodes → user → orders (up to 1,212 backend calls) cost 28,813: 400 QUERY_TOO_COMPLEX, no backend call', async () => {
    const query = `{ viewer { ${Array.from({ length: 12 }, (_, i) => alias(i)).join(' ')} } }`;
    const { status, body } = await t.gql(query, { as: 'u1' });
    expect(status).toBe(400);
    expect(1 + 12 * ALIAS_COST).toBe(28_813);
    expect(body).toEqual({
      errors: [
        {
          message: 'Query is too complex: cost 28813 exceeds the limit of 5000',
          extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 5000, actual: 28_813 },
        },
      ],
    });
    expect(t.backends.orders.stats().requests).toBe(0);
  });

  it('one alias (cost 2,402: priced for 100 orders) answers; u1 has 30, so 31 orders-backend calls', async () => {
    const { status, body } = await t.gql(`{ viewer { ${alias(0)} } }`, { as: 'u1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const nodes = (body.data as { viewer: { a0: { nodes: unknown[] } } }).viewer.a0.nodes;
    expect(nodes).toHaveLength(30);
    expect(t.backends.orders.stats().requests).toBe(1 + 30);
  });

  it('three aliases (7,204) are refused', async () => {
    const { status, body } = await t.gql(`{ viewer { ${[0, 1, 2].map(alias).join(' ')} } }`, { as: 'u1' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 5000, actual: 1 + 3 * ALIAS_COST });
  });
});

/** The figure docs/security.md quotes: a real screen sits far below the limit of 5,000. */
describe("the home screen's cost (bench/queries.ts: viewer, 10 orders with items and products, 5 recommendations)", () => {
  let t: TestGateway;
  beforeAll(async () => {
    // One below the home screen's cost: the refusal reports the exact figure.
    t = await startTestGateway({}, { gatewayConfig: { limits: { maxCost: 785 } } });
  });
  afterAll(() => t.close());

  it('is 786: viewer 1 + 3 fields + orders 10 (its page, per parent) + nodes 1 + 10 × (4 fields + items 1 + 10 × (2 + product 1 + 4)) + recommendations 1 + 5 × 4', async () => {
    expect(1 + 3 + 10 + 1 + 10 * (4 + 1 + 10 * (2 + 1 + 4)) + 1 + 5 * 4).toBe(786);
    const { status, body } = await t.gql(HOME_QUERY, { as: 'u1' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 785, actual: 786 });
  });
});
