import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const REQUESTS = 200;
const CONCURRENCY = 10;
// The defaults: catalog below sets no retryBudget.
const RATIO = 0.2;
const MIN_PER_SECOND = 5;
const WINDOW_SECONDS = 10;

async function metrics(t: TestGateway) {
  return parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
}

describe('retry budget: retries never multiply an outage', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      { CLIENT_RATE_LIMIT: '100000/60' },
      {
        cache: false,
        gatewayConfig: {
          services: {
            // No backoff, and a breaker that stays closed: only the budget limits retries.
            catalog: { maxRetries: 2, backoff: { initialDelayMs: 0, maxDelayMs: 0 }, breaker: { kind: 'consecutive', threshold: 1000 } },
            // A budget of nothing: no retry at all, however few the calls.
            users: {
              maxRetries: 2,
              backoff: { initialDelayMs: 0, maxDelayMs: 0 },
              breaker: { kind: 'consecutive', threshold: 1000 },
              retryBudget: { ratio: 0, minPerSecond: 0 },
            },
          },
        },
      },
    );
  });
  afterAll(() => t.close());

  it('the retry-budget metric is there at zero from start-up, for every backend', async () => {
    const samples = await metrics(t);
    for (const service of ['users', 'catalog', 'orders', 'recommendations']) {
      expect(sampleValue(samples, 'gateway_retry_budget_exhausted_total', { service })).toBe(0);
    }
  });

  it(`the default budget, a backend answering 503 to everything: ${REQUESTS} requests with maxRetries 2 send at most 0.2 × first attempts + 5/s × 10 s retries`, async () => {
    t.backends.catalog.setFault({ mode: '503' });
    t.resetBackendStats();
    const codes: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next += 1;
        const { body } = await t.gql('{ product(id: "p1") { id } }');
        codes.push(body.errors?.[0]?.extensions?.code);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Every request failed with the backend's own failure, retried or not.
    expect(codes).toHaveLength(REQUESTS);
    expect(new Set(codes)).toEqual(new Set(['SERVICE_UNAVAILABLE']));

    const sent = t.backends.catalog.stats().requests;
    const retries = sent - REQUESTS;
    // Without a budget: 3 × 200 = 600 calls, 400 of them retries.
    const budget = RATIO * REQUESTS + MIN_PER_SECOND * WINDOW_SECONDS;
    expect(retries).toBeLessThanOrEqual(budget);
    // Every request wanted 2 retries, so the budget was spent (but for the last grants of
    // the run's final first attempts): a smaller ratio or reserve would show here.
    expect(retries).toBeGreaterThanOrEqual(0.9 * budget);

    const samples = await metrics(t);
    const skipped = sampleValue(samples, 'gateway_retry_budget_exhausted_total', { service: 'catalog' }) ?? 0;
    const retried = samples
      .filter((sample) => sample.name === 'gateway_retry_total' && sample.labels.service === 'catalog')
      .reduce((sum, sample) => sum + sample.value, 0);
    expect(retried).toBe(retries);
    // Each request that was cut short was refused exactly one retry (then it ended); each
    // refusal forwent at most 2 retries.
    expect(skipped).toBeGreaterThan(0);
    expect(skipped).toBeLessThanOrEqual(REQUESTS);
    expect(skipped * 2).toBeGreaterThanOrEqual(2 * REQUESTS - retries);
    expect(skipped).toBeLessThanOrEqual(2 * REQUESTS - retries);
    expect(sampleValue(samples, 'gateway_retry_budget_exhausted_total', { service: 'users' })).toBe(0);
  });

  it('a configured budget is the one applied: retryBudget { ratio: 0, minPerSecond: 0 } retries nothing, each skip counted', async () => {
    t.backends.users.setFault({ mode: '503' });
    t.resetBackendStats();
    for (let i = 0; i < 5; i += 1) {
      const { body } = await t.gql('{ viewer { id } }', { as: 'u1' });
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(t.backends.users.stats().requests).toBe(5);
    const samples = await metrics(t);
    expect(sampleValue(samples, 'gateway_retry_budget_exhausted_total', { service: 'users' })).toBe(5);
    expect(sampleValue(samples, 'gateway_retry_total', { service: 'users', attempt: '1' })).toBe(0);
  });
});
