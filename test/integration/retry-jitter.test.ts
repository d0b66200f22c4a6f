import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const LENIENT_BREAKER = { kind: 'consecutive', threshold: 1000 };

/** The `delayMs` of each 'retrying upstream call' log line of one service, in order. */
function retryDelays(t: TestGateway, service: string): number[] {
  return t.logs.filter((line) => line.msg === 'retrying upstream call' && line.service === service).map((line) => line.delayMs as number);
}

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
          },
        },
      },
    );
    t.backends.catalog.setFault({ mode: '503' });
    t.backends.users.setFault({ mode: '503' });
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
});
