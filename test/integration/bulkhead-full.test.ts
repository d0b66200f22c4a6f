import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ viewer { id } recommendations(first: 1) { id } }';

describe('bulkhead full', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { cache: false, gatewayConfig: { services: { recommendations: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } } } } });
    t.backends.recommendations.setFault({ mode: 'slow', delayMs: 400 });
  });
  afterAll(() => t.close());

  it('one slow call holds the only slot; the others are refused at once and their other fields answer', async () => {
    const first = t.gql(QUERY, { as: 'u1' });
    await t.backends.recommendations.waitForRequests(1);
    const started = performance.now();
    const [second, third] = await Promise.all([t.gql(QUERY, { as: 'u2' }), t.gql(QUERY, { as: 'u3' })]);
    expect(performance.now() - started).toBeLessThan(300);
    for (const [answer, user] of [[second, 'u2'], [third, 'u3']] as const) {
      expect(answer.body).toEqual({
        data: { viewer: { id: user }, recommendations: null },
        errors: [
          {
            message: 'recommendations is temporarily unavailable',
            locations: locationOf(QUERY, 'recommendations'),
            path: ['recommendations'],
            extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 1 },
          },
        ],
        extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 1, stale: false }] },
      });
    }
    expect((await first).body).toEqual({ data: { viewer: { id: 'u1' }, recommendations: [{ id: expect.any(String) }] } });
    expect(t.backends.recommendations.stats().requests).toBe(1);
  });
});
