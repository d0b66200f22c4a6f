import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const SLOW_CALL_MS = 100;
const BACKEND_DELAY_MS = 250;
const WINDOW = { kind: 'count', failureRate: 0.5, windowSize: 4, minimumCalls: 4 };
// The calls of the last 10 s, once there were 0.4 per second (4 calls) in them.
const SAMPLING = { kind: 'sampling', failureRate: 0.5, windowMs: 10_000, minimumRps: 0.4 };

interface Health {
  services: Record<string, { breaker: string; retryAfterSeconds: number | null }>;
}

describe('slow calls open the breaker when slowCallMs and slowCallRate are set', () => {
  let t: TestGateway;
  const health = async (service: string) => ((await (await fetch(`${t.url}/health/detailed`)).json()) as Health).services[service]!;
  const metric = async (name: string, labels: Record<string, string>) =>
    sampleValue(parsePrometheus(await (await fetch(`${t.url}/metrics`)).text()), name, labels);

  beforeAll(async () => {
    t = await startTestGateway(
      { UPSTREAM_MAX_RETRIES: '0' },
      {
        cache: false,
        gatewayConfig: {
          services: {
            // Opens when at least half of the last 4 calls took longer than 100 ms.
            recommendations: { breaker: { ...WINDOW, slowCallMs: SLOW_CALL_MS, slowCallRate: 0.5 }, halfOpenAfterMs: 60_000 },
            // The same window without slow calls.
            catalog: { breaker: WINDOW, halfOpenAfterMs: 60_000 },
            // A time window: opens when at least half of the last 10 s's calls (≥ 4) took longer than 100 ms.
            users: { breaker: { ...SAMPLING, slowCallMs: SLOW_CALL_MS, slowCallRate: 0.5 }, halfOpenAfterMs: 60_000 },
          },
        },
      },
    );
  });
  afterAll(() => t.close());

  it('a backend answering 200 slowly opens the breaker; every slow call still returned its data', async () => {
    t.backends.recommendations.setFault({ mode: 'slow', delayMs: BACKEND_DELAY_MS });
    for (let i = 1; i <= 4; i += 1) {
      const started = performance.now();
      const { body } = await t.gql('{ recommendations(first: 2) { id } }', { as: 'u1' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(BACKEND_DELAY_MS - 5);
      expect(body).toEqual({ data: { recommendations: [{ id: expect.any(String) }, { id: expect.any(String) }] } });
      expect((await health('recommendations')).breaker).toBe(i < 4 ? 'closed' : 'open');
    }

    t.resetBackendStats();
    const refused = await t.gql('{ recommendations(first: 2) { id } }', { as: 'u1' });
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 60 });
    expect(t.backends.recommendations.stats().requests).toBe(0);

    const rec = { service: 'recommendations' };
    expect(await metric('gateway_circuit_breaker_slow_calls_total', rec)).toBe(4);
    expect(await metric('gateway_circuit_breaker_requests_total', { ...rec, status: 'success' })).toBe(4);
    expect(await metric('gateway_circuit_breaker_requests_total', { ...rec, status: 'failure' })).toBe(0);
    expect(await metric('gateway_circuit_breaker_state', rec)).toBe(1);
  });

  it('the sampling kind too: 2 fast and then 2 slow 200s of the last 10 s (half of them slow) open it', async () => {
    const viewer = async () => {
      const { body } = await t.gql('{ viewer { id } }', { as: 'u1' });
      expect(body).toEqual({ data: { viewer: { id: 'u1' } } });
    };
    for (let i = 0; i < 2; i += 1) await viewer();
    t.backends.users.setFault({ mode: 'slow', delayMs: BACKEND_DELAY_MS });
    await viewer();
    // 1 slow call of 3: below the 4 calls the window needs, and below half.
    expect((await health('users')).breaker).toBe('closed');
    await viewer();
    expect((await health('users')).breaker).toBe('open');

    t.resetBackendStats();
    const refused = await t.gql('{ viewer { id } }', { as: 'u1' });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'users', retryAfter: 60 });
    expect(t.backends.users.stats().requests).toBe(0);
    // The 2 slow ones (a "fast" call slowed past 100 ms by a busy machine would add to them).
    expect(await metric('gateway_circuit_breaker_slow_calls_total', { service: 'users' })).toBeGreaterThanOrEqual(2);
    expect(await metric('gateway_circuit_breaker_requests_total', { service: 'users', status: 'failure' })).toBe(0);
  });

  it('the same slow backend does not open a breaker without slowCallMs and slowCallRate', async () => {
    t.backends.catalog.setFault({ mode: 'slow', delayMs: BACKEND_DELAY_MS });
    for (let i = 0; i < 6; i += 1) {
      const { body } = await t.gql('{ product(id: "p1") { id } }');
      expect(body).toEqual({ data: { product: { id: 'p1' } } });
    }
    expect(t.backends.catalog.stats().requests).toBeGreaterThanOrEqual(6);
    expect((await health('catalog')).breaker).toBe('closed');
    expect(await metric('gateway_circuit_breaker_slow_calls_total', { service: 'catalog' })).toBe(0);
  });
});
