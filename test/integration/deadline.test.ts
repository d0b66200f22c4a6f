import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ product(id: "p1") { id } viewer { id } }';

describe('request deadline', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // Alone, 3 attempts of 400 ms would take 1.2 s or more; the request budget is 600 ms.
    t = await startTestGateway({ REQUEST_DEADLINE_MS: '600', UPSTREAM_TIMEOUT_MS: '400', UPSTREAM_MAX_RETRIES: '2' }, { cache: false });
    t.backends.users.setFault({ mode: 'hang' });
  });
  afterAll(() => t.close());

  it('a hanging backend cannot make a query outlive its budget; the other fields still answer', async () => {
    const started = performance.now();
    const { body } = await t.gql(QUERY, { as: 'u1' });
    const elapsed = performance.now() - started;
    expect(body).toEqual({
      data: { product: { id: 'p1' }, viewer: null },
      errors: [
        {
          message: 'users did not answer in time',
          locations: locationOf(QUERY, 'viewer'),
          path: ['viewer'],
          extensions: { code: 'UPSTREAM_TIMEOUT', service: 'users', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: { degraded: [{ service: 'users', code: 'UPSTREAM_TIMEOUT', retryAfter: 1, stale: false }] },
    });
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(950);
    expect(t.backends.users.stats().requests).toBe(2);
  });

  it('calls cancelled by the deadline do not count against the backend: only the attempt that timed out does', async () => {
    // Of the two attempts above, the first timed out after 400 ms (a real failure of the
    // backend) and the second was cancelled by the 600 ms deadline (the gateway gave up,
    // not the backend): one failure counted, not two.
    const policy = t.gateway.services.clients.users!.policy;
    expect(policy.consecutiveFailures()).toBe(1);
    const health = (await (await fetch(`${t.url}/health/detailed`)).json()) as { services: Record<string, { breaker: string }> };
    expect(health.services.users!.breaker).toBe('closed');
  });
});

describe('request deadline shorter than one attempt', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // Every call is cut by the 300 ms deadline long before its 2 s attempt timeout.
    t = await startTestGateway(
      { REQUEST_DEADLINE_MS: '300', UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_MAX_RETRIES: '2' },
      { cache: false, gatewayConfig: { services: { users: { breaker: { kind: 'consecutive', threshold: 2 } } } } },
    );
    t.backends.users.setFault({ mode: 'hang' });
  });
  afterAll(() => t.close());

  it('cancelled calls never count: three cut requests leave the breaker (threshold 2) closed with no failure counted', async () => {
    for (let i = 0; i < 3; i += 1) {
      const { body } = await t.gql('{ viewer { id } }', { as: 'u1' });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', service: 'users' });
    }
    const policy = t.gateway.services.clients.users!.policy;
    expect(policy.consecutiveFailures()).toBe(0);
    expect(policy.breakerState()).toBe('closed');
  });
});
