import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { createMovableClock } from '../helpers/movable-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

const HOME = '{ viewer { id } recommendations(first: 2) { id } }';
/** The default; the test moves the gateway's clock instead of waiting for it. */
const HALF_OPEN_AFTER_MS = 30_000;

interface Health {
  services: Record<string, { breaker: string; retryAfterSeconds: number | null }>;
}

describe.each(EXECUTORS)('circuit breaker opens and recovers (%s executor)', (executor) => {
  let t: TestGateway;
  const clock = createMovableClock();
  const health = async () => (await (await fetch(`${t.url}/health/detailed`)).json()) as Health;
  beforeAll(async () => {
    // Consecutive breaker, threshold 5 (the default); no retries so one query = one failure.
    t = await startTestGateway(
      { GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '0', BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) },
      { cache: false, now: clock.now },
    );
  });
  afterAll(() => t.close());

  it('opens after 5 failures, then answers without calling the backend, counts down, half-opens, and closes', async () => {
    t.backends.recommendations.setFault({ mode: '500' });
    for (let i = 1; i <= 5; i += 1) {
      const { body } = await t.gql(HOME, { as: 'u1' });
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    }
    expect((await health()).services.recommendations).toMatchObject({ breaker: 'open', retryAfterSeconds: 30 });

    // Open: no backend traffic, immediate SERVICE_UNAVAILABLE with the time until half-open.
    t.resetBackendStats();
    const started = performance.now();
    const open = await t.gql(HOME, { as: 'u1' });
    // At once: not after an attempt timeout (1 s), since no attempt is made.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(open.body).toEqual({
      data: { viewer: { id: 'u1' }, recommendations: null },
      errors: [
        {
          message: 'recommendations is temporarily unavailable',
          locations: locationOf(HOME, 'recommendations'),
          path: ['recommendations'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 30 },
        },
      ],
      extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 30, stale: false }] },
    });
    expect(open.headers.get('retry-after')).toBe('30');
    expect(t.backends.recommendations.stats().requests).toBe(0);
    expect(t.backends.users.stats().requests).toBe(1);

    // The backend recovers; the breaker only notices after the half-open delay.
    t.backends.recommendations.clearFault();
    clock.advance(HALF_OPEN_AFTER_MS - 10_000);
    const later = await t.gql(HOME, { as: 'u1' });
    expect(later.body.errors?.[0]?.extensions?.retryAfter).toBe(10);
    expect(t.backends.recommendations.stats().requests).toBe(0);

    clock.advance(10_000);
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
    clock.advance(HALF_OPEN_AFTER_MS);
    t.resetBackendStats();
    const trial = await t.gql(HOME, { as: 'u1' });
    expect(trial.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', service: 'recommendations', retryable: true, retryAfter: 30 });
    expect(t.backends.recommendations.stats().requests).toBe(1);
    expect((await health()).services.recommendations).toMatchObject({ breaker: 'open', retryAfterSeconds: 30 });
  });
});
