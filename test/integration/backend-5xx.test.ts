import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

const QUERY = '{ product(id: "p1") { id } viewer { id } }';

describe.each(EXECUTORS)('backend 5xx (%s executor)', (executor) => {
  let t: TestGateway;
  beforeAll(async () => {
    // A breaker that never opens here: this file is about retries, and its failures add up.
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '2' }, { cache: false, gatewayConfig: { services: { catalog: { breaker: { kind: 'consecutive', threshold: 1000 } } } } });
  });
  afterEach(() => {
    t.backends.catalog.clearFault();
    t.resetBackendStats();
  });
  afterAll(() => t.close());

  it('a 500 is UPSTREAM_ERROR and is not retried (the same request fails the same way)', async () => {
    t.backends.catalog.setFault({ mode: '500' });
    const { body } = await t.gql(QUERY, { as: 'u1' });
    expect(body).toEqual({
      data: { product: null, viewer: { id: 'u1' } },
      errors: [
        {
          message: 'catalog failed to answer',
          locations: locationOf(QUERY, 'product'),
          path: ['product'],
          extensions: { code: 'UPSTREAM_ERROR', service: 'catalog', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: { degraded: [{ service: 'catalog', code: 'UPSTREAM_ERROR', retryAfter: 1, stale: false }] },
    });
    expect(t.backends.catalog.stats().requests).toBe(1);
  });

  it('a 503 is retried UPSTREAM_MAX_RETRIES times, then SERVICE_UNAVAILABLE with the backend\'s Retry-After', async () => {
    t.backends.catalog.setFault({ mode: '503' });
    const { body } = await t.gql(QUERY, { as: 'u1' });
    expect(body).toEqual({
      data: { product: null, viewer: { id: 'u1' } },
      errors: [
        {
          message: 'catalog is temporarily unavailable',
          locations: locationOf(QUERY, 'product'),
          path: ['product'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'catalog', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: { degraded: [{ service: 'catalog', code: 'SERVICE_UNAVAILABLE', retryAfter: 1, stale: false }] },
    });
    expect(t.backends.catalog.stats().requests).toBe(3);
  });

  it('a 503 that clears before the retries run out is invisible to the app', async () => {
    t.backends.catalog.setFault({ mode: '503' });
    const answer = t.gql(QUERY, { as: 'u1' });
    await t.backends.catalog.waitForRequests(1);
    t.backends.catalog.clearFault();
    expect((await answer).body).toEqual({ data: { product: { id: 'p1' }, viewer: { id: 'u1' } } });
    expect(t.backends.catalog.stats().requests).toBe(2);
  });
});
