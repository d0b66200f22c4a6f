import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

describe('request deduplication: concurrent identical backend calls share one call', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '0', REQUEST_DEADLINE_MS: '2000' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.backends.catalog.clearFault();
    t.backends.recommendations.clearFault();
    t.resetBackendStats();
  });

  it('10 concurrent requests for the same uncached product make 1 catalog call', async () => {
    // Slow enough that all ten are in flight together.
    t.backends.catalog.setFault({ mode: 'slow', delayMs: 150 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => t.gql('{ product(id: "p401") { id name } }', { as: `u${n + 1}` })),
    );
    for (const { body } of answers) expect(body).toEqual({ data: { product: { id: 'p401', name: expect.any(String) } } });
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it('overlapping batches share the ids they have in common and fetch only the rest', async () => {
    t.backends.catalog.setFault({ mode: 'slow', delayMs: 150 });
    const [a, b] = await Promise.all([
      t.gql('{ products(ids: ["p411", "p412"]) { id } }'),
      t.gql('{ products(ids: ["p412", "p413"]) { id } }'),
    ]);
    expect(a.body.data).toEqual({ products: [{ id: 'p411' }, { id: 'p412' }] });
    expect(b.body.data).toEqual({ products: [{ id: 'p412' }, { id: 'p413' }] });
    const queries = t.backends.catalog.requests.map((request) => decodeURIComponent(request.query)).sort();
    // p412 was asked for once, by whichever request came first.
    expect(queries.join(' ').match(/p412/g)).toHaveLength(1);
    expect(queries).toHaveLength(2);
  });

  it('a shared failure fails every sharer with the error contract', async () => {
    t.backends.catalog.setFault({ mode: '500' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.gql('{ product(id: "p421") { id } }')));
    for (const { body } of answers) {
      expect(body.data).toEqual({ product: null });
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'catalog' });
    }
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it("personalised answers are never shared between viewers: each viewer's recommendations are their own call", async () => {
    t.backends.recommendations.setFault({ mode: 'slow', delayMs: 150 });
    const viewers = ['u11', 'u12', 'u13'];
    const answers = await Promise.all(viewers.map((as) => t.gql('{ recommendations(first: 3) { id } }', { as })));
    expect(t.backends.recommendations.stats().requests).toBe(3);
    expect(t.backends.recommendations.requests.map((request) => request.headers['x-user-id']).sort()).toEqual(viewers);
    for (const { body } of answers) expect(body.errors).toBeUndefined();
  });

  it("a sharer whose own budget is left does not inherit another request's cancellation", async () => {
    t.backends.catalog.setFault({ mode: 'slow', delayMs: 300 });
    const controller = new AbortController();
    const first = fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "p431") { id } }' }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    // The first request's catalog call is under way; the second joins it, then the first walks away.
    await vi.waitFor(() => expect(t.backends.catalog.stats().requests).toBe(1), { interval: 5 });
    const second = t.gql('{ product(id: "p431") { id } }');
    // No event says "joined": give the second request time to reach its loader (~ms).
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await first).toBe('aborted');
    expect((await second).body).toEqual({ data: { product: { id: 'p431' } } });
  });
});
