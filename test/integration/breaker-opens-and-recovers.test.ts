import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

const HOME = '{ viewer { id } recommendations(first: 2) { id } }';
const HALF_OPEN_AFTER_MS = 1500;

interface Health {
  services: Record<string, { breaker: string; retryAfterSeconds: number | null }>;
}

describe.each(EXECUTORS)('circuit breaker opens and recovers (%s executor)', (executor) => {
  let t: TestGateway;
  const health = async () => (await (await fetch(`${t.url}/health/detailed`)).json()) as Health;
  beforeAll(async () => {
    // Consecutive breaker, threshold 5 (the default); no retries so one query = one failure.
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '0', BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) }, { cache: false });
  });
  afterAll(() => t.close());

  it('opens after 5 failures, then answers without calling the backend, counts down, half-opens, and closes', async () => {
    t.backends.recommendations.setFault({ mode: '500' });
    for (let i = 1; i <= 5; i += 1) {
      const { body } = await t.gql(HOME, { as: 'u1' });
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    }
    expect((await health()).services.recommendations).toMatchObject({ breaker: 'open', retryAfterSeconds: 2 });
    const openedAt = performance.now();

    // Open: no backend traffic, immediate SERVICE_UNAVAILABLE with the time until half-open.
    t.resetBackendStats();
    const started = performance.now();
    const open = await t.gql(HOME, { as: 'u1' });
    expect(performance.now() - started).toBeLessThan(100);
    expect(open.body).toEqual({
      data: { viewer: { id: 'u1' }, recommendations: null },
      errors: [
        {
          message: 'recommendations is temporarily unavailable',
          locations: locationOf(HOME, 'recommendations'),
          path: ['recommendations'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 2 },
        },
      ],
      extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 2, stale: false }] },
    });
    expect(open.headers.get('retry-after')).toBe('2');
    expect(t.backends.recommendations.stats().requests).toBe(0);
    expect(t.backends.users.stats().requests).toBe(1);

    // The backend recovers; the breaker only notices after the half-open delay.
    t.backends.recommendations.clearFault();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 600 - (performance.now() - openedAt))));
    const later = await t.gql(HOME, { as: 'u1' });
    expect(later.body.errors?.[0]?.extensions?.retryAfter).toBe(1);
    expect(t.backends.recommendations.stats().requests).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, HALF_OPEN_AFTER_MS + 20 - (performance.now() - openedAt))));
    const recovered = await t.gql(HOME, { as: 'u1' });
    expect(recovered.body).toEqual({ data: { viewer: { id: 'u1' }, recommendations: [{ id: expect.any(String) }, { id: expect.any(String) }] } });
    expect(recovered.headers.get('retry-after')).toBeNull();
    expect(t.backends.recommendations.stats().requests).toBe(1);
    expect((await health()).services.recommendations).toMatchObject({ breaker: 'closed', retryAfterSeconds: null });

    const warnings = t.logs.filter((line) => line.service === 'recommendations' && typeof line.state === 'string').map((line) => line.state);
    expect(warnings).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed half-open trial opens the breaker again for another full delay', async () => {
    t.backends.recommendations.setFault({ mode: '500' });
    for (let i = 0; i < 5; i += 1) await t.gql(HOME, { as: 'u1' });
    expect((await health()).services.recommendations!.breaker).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_AFTER_MS + 20));
    t.resetBackendStats();
    const trial = await t.gql(HOME, { as: 'u1' });
    expect(trial.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', service: 'recommendations', retryable: true, retryAfter: 2 });
    expect(t.backends.recommendations.stats().requests).toBe(1);
    expect((await health()).services.recommendations).toMatchObject({ breaker: 'open', retryAfterSeconds: 2 });
  });
});
