import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { createMovableClock } from '../helpers/movable-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

// The runbook example: failure threshold 5, success threshold 3, 3 trial calls at once,
// open 30 s (the test moves the gateway's clock past it instead of waiting).
const HALF_OPEN_AFTER_MS = 30_000;
const QUERY = '{ recommendations(first: 2) { id } }';
// Trials answer this late, so that they are still in flight when the 4th caller asks.
const TRIAL_DELAY_MS = 1000;

interface Health {
  services: Record<string, { breaker: string; retryAfterSeconds: number | null }>;
}

describe('breaker half-open trials (halfOpenCalls 3, successThreshold 3)', () => {
  let t: TestGateway;
  const recommendations = () => t.backends.recommendations;
  const health = async () => ((await (await fetch(`${t.url}/health/detailed`)).json()) as Health).services.recommendations!;
  const gauge = async () =>
    sampleValue(parsePrometheus(await (await fetch(`${t.url}/metrics`)).text()), 'gateway_circuit_breaker_state', { service: 'recommendations' });
  const ask = () => t.gql(QUERY, { as: 'u1' });
  const clock = createMovableClock();
  const waitForHalfOpen = () => clock.advance(HALF_OPEN_AFTER_MS);

  async function openBreaker(): Promise<void> {
    recommendations().setFault({ mode: '500' });
    for (let i = 0; i < 5; i += 1) expect((await ask()).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(await health()).toMatchObject({ breaker: 'open' });
    expect(await gauge()).toBe(1);
  }

  beforeAll(async () => {
    t = await startTestGateway(
      { UPSTREAM_MAX_RETRIES: '0' },
      {
        cache: false,
        now: clock.now,
        gatewayConfig: {
          services: {
            recommendations: {
              breaker: { kind: 'consecutive', threshold: 5, halfOpenCalls: 3, successThreshold: 3 },
              halfOpenAfterMs: HALF_OPEN_AFTER_MS,
              timeoutMs: 2 * TRIAL_DELAY_MS,
            },
          },
        },
      },
    );
  });
  afterAll(() => t.close());

  it('lets exactly 3 trials reach the backend at once and refuses a 4th caller at once', async () => {
    await openBreaker();
    waitForHalfOpen();
    // The backend is back, but slow: the trials stay in flight while the 4th caller asks.
    recommendations().setFault({ mode: 'slow', delayMs: TRIAL_DELAY_MS });
    t.resetBackendStats();
    let trialsDone = false;
    const trials = Promise.all([ask(), ask(), ask()]).finally(() => {
      trialsDone = true;
    });
    await recommendations().waitForRequests(3);
    expect(await health()).toMatchObject({ breaker: 'half_open', retryAfterSeconds: null });
    expect(await gauge()).toBe(2);

    const fourth = await ask();
    // Refused at once: answered while the trials are still in flight, not after them.
    expect(trialsDone).toBe(false);
    expect(fourth.body.data).toEqual({ recommendations: null });
    expect(fourth.body.errors?.[0]?.extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      service: 'recommendations',
      retryable: true,
      retryAfter: 2, // a trial slot frees within one attempt timeout (2000 ms)
    });
    for (const trial of await trials) expect(trial.body).toEqual({ data: { recommendations: [{ id: expect.any(String) }, { id: expect.any(String) }] } });
    expect(recommendations().stats().requests).toBe(3);
    expect(await health()).toMatchObject({ breaker: 'closed' });
    expect(await gauge()).toBe(0);
  });

  it('stays half_open after the 1st and 2nd successful trial, and closes on the 3rd', async () => {
    await openBreaker();
    waitForHalfOpen();
    recommendations().clearFault();
    for (const expected of ['half_open', 'half_open', 'closed']) {
      const trial = await ask();
      expect(trial.body.errors).toBeUndefined();
      expect((await health()).breaker).toBe(expected);
      expect(await gauge()).toBe(expected === 'closed' ? 0 : 2);
    }
  });

  it('one failed trial opens the breaker again, after two successes', async () => {
    await openBreaker();
    const logsBefore = t.logs.length;
    waitForHalfOpen();
    recommendations().clearFault();
    for (let i = 0; i < 2; i += 1) expect((await ask()).body.errors).toBeUndefined();
    expect((await health()).breaker).toBe('half_open');

    recommendations().setFault({ mode: '500' });
    const failed = await ask();
    t.resetBackendStats();
    const refused = await ask();
    // Open again for another full 30 s.
    expect(failed.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', retryAfter: 30 });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 30 });
    expect(recommendations().stats().requests).toBe(0);
    expect(await health()).toMatchObject({ breaker: 'open', retryAfterSeconds: 30 });
    expect(await gauge()).toBe(1);

    const states = t.logs
      .slice(logsBefore)
      .filter((line) => line.service === 'recommendations' && typeof line.state === 'string')
      .map((line) => line.state);
    expect(states).toEqual(['half_open', 'open']);
  });
});

describe('breaker half-open defaults (halfOpenCalls 1, successThreshold 1)', () => {
  let t: TestGateway;
  const clock = createMovableClock();
  const health = async () => ((await (await fetch(`${t.url}/health/detailed`)).json()) as Health).services.recommendations!;
  const ask = () => t.gql(QUERY, { as: 'u1' });

  beforeAll(async () => {
    // Neither setting given: the defaults decide.
    t = await startTestGateway(
      { UPSTREAM_MAX_RETRIES: '0' },
      {
        cache: false,
        now: clock.now,
        gatewayConfig: {
          services: { recommendations: { breaker: { kind: 'consecutive', threshold: 2 }, halfOpenAfterMs: HALF_OPEN_AFTER_MS, timeoutMs: 2 * TRIAL_DELAY_MS } },
        },
      },
    );
  });
  afterAll(() => t.close());

  it('one trial at a time (a second caller is refused while it is in flight), and its success closes the breaker', async () => {
    t.backends.recommendations.setFault({ mode: '500' });
    for (let i = 0; i < 2; i += 1) await ask();
    expect(await health()).toMatchObject({ breaker: 'open' });
    clock.advance(HALF_OPEN_AFTER_MS);
    t.backends.recommendations.setFault({ mode: 'slow', delayMs: TRIAL_DELAY_MS });
    t.resetBackendStats();

    const trial = ask();
    await t.backends.recommendations.waitForRequests(1);
    expect(await health()).toMatchObject({ breaker: 'half_open' });
    const second = await ask();
    expect(second.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'recommendations' });
    expect((await trial).body.errors).toBeUndefined();
    expect(t.backends.recommendations.stats().requests).toBe(1);
    expect(await health()).toMatchObject({ breaker: 'closed' });
  });
});
