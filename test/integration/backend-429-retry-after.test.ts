import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

const QUERY = '{ product(id: "p9") { id } }';

describe.each(EXECUTORS)('backend 429 with Retry-After (%s executor)', (executor) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '2', REQUEST_DEADLINE_MS: '3000' }, { cache: false });
  });
  afterEach(() => {
    t.backends.catalog.clearFault();
    t.resetBackendStats();
  });
  afterAll(() => t.close());

  it('waits the backend\'s Retry-After when it fits the request budget, then answers', async () => {
    t.backends.catalog.setFault({ mode: '429', retryAfter: 1 });
    const started = performance.now();
    const answer = t.gql(QUERY);
    await t.backends.catalog.waitForRequests(1);
    t.backends.catalog.clearFault();
    const { body } = await answer;
    expect(body).toEqual({ data: { product: { id: 'p9' } } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(t.backends.catalog.stats().requests).toBe(2);
  });

  it('does not wait past the request budget: answers at once with the backend\'s Retry-After', async () => {
    t.backends.catalog.setFault({ mode: '429', retryAfter: 30 });
    const started = performance.now();
    const { headers, body } = await t.gql(QUERY);
    expect(performance.now() - started).toBeLessThan(500);
    expect(body).toEqual({
      data: { product: null },
      errors: [
        {
          message: 'catalog is temporarily unavailable',
          locations: locationOf(QUERY, 'product'),
          path: ['product'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'catalog', retryable: true, retryAfter: 30 },
        },
      ],
      extensions: { degraded: [{ service: 'catalog', code: 'SERVICE_UNAVAILABLE', retryAfter: 30, stale: false }] },
    });
    expect(headers.get('retry-after')).toBe('30');
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it('does not count 429 as a breaker failure', async () => {
    t.backends.catalog.setFault({ mode: '429', retryAfter: 30 });
    for (let i = 0; i < 8; i += 1) await t.gql(QUERY);
    const health = (await (await fetch(`${t.url}/health/detailed`)).json()) as { services: Record<string, { breaker: string }> };
    expect(health.services.catalog!.breaker).toBe('closed');
  });
});
