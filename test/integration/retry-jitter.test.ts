import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const LENIENT_BREAKER = { kind: 'consecutive', threshold: 1000 };

/** The `delayMs` of each 'retrying upstream call' log line of one service (of one retry number), in order. */
function retryDelays(t: TestGateway, service: string, attempt?: number): number[] {
  return t.logs
    .filter((line) => line.msg === 'retrying upstream call' && line.service === service && (attempt === undefined || line.attempt === attempt))
    .map((line) => line.delayMs as number);
}

// Ceilings 200 ms then 400 ms: wide enough that a timer firing late on a busy machine
// does not blur where in its range a delay fell.
const WIDE_BACKOFF = { initialDelayMs: 200, maxDelayMs: 400 };
const CEILINGS = { 1: 200, 2: 400 } as const;
/** How late a timer may fire on a loaded test machine. */
const LATE_MS = 150;

describe('retry.jitter per service, over real HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      {},
      {
        cache: false,
        gatewayConfig: {
          services: {
            // none: exactly the ceilings 80 ms, then 160 ms.
            catalog: { maxRetries: 2, backoff: { initialDelayMs: 80, maxDelayMs: 400 }, retry: { jitter: 'none' }, breaker: LENIENT_BREAKER },
            // decorrelated: never below the initial delay (full jitter goes down to 0).
            users: { maxRetries: 2, backoff: { initialDelayMs: 80, maxDelayMs: 400 }, retry: { jitter: 'decorrelated' }, breaker: LENIENT_BREAKER },
            // No retry.jitter: the default, full.
            orders: { maxRetries: 2, backoff: WIDE_BACKOFF, breaker: LENIENT_BREAKER },
            recommendations: { maxRetries: 2, backoff: WIDE_BACKOFF, retry: { jitter: 'equal' }, breaker: LENIENT_BREAKER },
          },
        },
      },
    );
    t.backends.catalog.setFault({ mode: '503' });
    t.backends.users.setFault({ mode: '503' });
    t.backends.orders.setFault({ mode: '503' });
    t.backends.recommendations.setFault({ mode: '503' });
  });
  afterAll(() => t.close());

  it('"none" waits exactly the exponential ceiling before each retry; "decorrelated" at least the initial delay', async () => {
    const { body } = await t.gql('{ product(id: "p1") { id } viewer { id } }', { as: 'u1' });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
    expect(t.backends.catalog.stats().requests).toBe(3);
    expect(t.backends.users.stats().requests).toBe(3);

    // Timers never fire early; they may fire late on a busy machine, hence the loose upper bound.
    const [first, second] = retryDelays(t, 'catalog') as [number, number];
    expect(retryDelays(t, 'catalog')).toHaveLength(2);
    expect(first).toBeGreaterThanOrEqual(79);
    expect(first).toBeLessThan(80 + 150);
    expect(second).toBeGreaterThanOrEqual(159);
    expect(second).toBeLessThan(160 + 150);

    const decorrelated = retryDelays(t, 'users');
    expect(decorrelated).toHaveLength(2);
    for (const delay of decorrelated) expect(delay).toBeGreaterThanOrEqual(79);
  });

  it('the default (full) draws delays anywhere in [0, ceiling]; "equal" only in [ceiling/2, ceiling]', async () => {
    const requests = 10;
    const answers = await Promise.all(
      // Distinct arguments: no two requests share a backend call.
      Array.from({ length: requests }, (_, n) => t.gql(`{ order(id: "o${n + 1}") { id } recommendations(first: ${n + 1}) { id } }`, { as: 'u1' })),
    );
    for (const { body } of answers) expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);

    /** Each delay as a fraction of its ceiling. */
    const shares = (service: string) =>
      ([1, 2] as const).flatMap((attempt) => {
        const delays = retryDelays(t, service, attempt);
        expect(delays).toHaveLength(requests);
        for (const delay of delays) expect(delay).toBeLessThan(CEILINGS[attempt] + LATE_MS);
        return delays.map((delay) => delay / CEILINGS[attempt]);
      });
    // equal: never below half the ceiling (timers never fire early; delayMs is rounded).
    for (const share of shares('recommendations')) expect(share).toBeGreaterThanOrEqual(0.5 - 1 / 200);
    // full: 20 uniform draws over [0, 1] of the ceiling; all 20 in its upper half (as
    // "equal" or "none" would be) has a chance of 1 in a million.
    const full = shares('orders');
    expect(Math.min(...full)).toBeLessThan(0.5);
  });
});
