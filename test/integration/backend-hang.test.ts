import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const HOME = '{ viewer { id name } recommendations(first: 2) { id } }';
const TIMEOUT_MS = 300;

describe('backend hang', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_MAX_RETRIES: '1' }, { cache: false });
    t.backends.recommendations.setFault({ mode: 'hang' });
  });
  afterAll(() => t.close());

  it('answers the other fields once the attempts time out; recommendations is UPSTREAM_TIMEOUT', async () => {
    const started = performance.now();
    const { body } = await t.gql(HOME, { as: 'u2' });
    const elapsed = performance.now() - started;
    expect(body).toEqual({
      data: { viewer: { id: 'u2', name: expect.any(String) }, recommendations: null },
      errors: [
        {
          message: 'recommendations did not answer in time',
          locations: locationOf(HOME, 'recommendations'),
          path: ['recommendations'],
          extensions: { code: 'UPSTREAM_TIMEOUT', service: 'recommendations', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: { degraded: [{ service: 'recommendations', code: 'UPSTREAM_TIMEOUT', retryAfter: 1, stale: false }] },
    });
    // Two attempts of 300 ms plus at most one 50 ms backoff: never the backend's forever.
    expect(elapsed).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(2 * TIMEOUT_MS + 400);
    expect(t.backends.recommendations.stats().requests).toBe(2);
  });
});
