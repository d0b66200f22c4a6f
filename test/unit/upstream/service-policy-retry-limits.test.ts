import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServicePolicy, type PolicyCall, type ServicePolicy } from '../../../src/upstream/create-service-policy.js';
import type { RetrySettings, ServiceSettings } from '../../../src/upstream/service-settings.js';
import { UpstreamError } from '../../../src/upstream/upstream-error.js';

/**
 * What bounds retries besides maxRetries: the service's retry budget, and the request's
 * deadline (no attempt starts once it is past, even before its timer has fired).
 */

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
const SERVICE = 'catalog';

function createPolicy(retry: Partial<RetrySettings>): ServicePolicy & { exhausted: number; retries: number } {
  const settings: ServiceSettings = {
    url: 'http://catalog.test',
    timeoutMs: 100,
    maxBatchSize: 50,
    connections: 4,
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 40, jitter: 'none', ...retry },
    breaker: { kind: 'consecutive', threshold: 1000 },
    halfOpenAfterMs: 5000,
    bulkhead: { maxConcurrent: 10, maxQueue: 10 },
    cache: { freshMs: 0, staleMs: 0 },
  };
  const policy = createServicePolicy(SERVICE, settings, { logger: pino({ level: 'silent' }) });
  const counted = Object.assign(policy, { exhausted: 0, retries: 0 });
  policy.onRetryBudgetExhausted(() => (counted.exhausted += 1));
  policy.retry.onRetry(() => (counted.retries += 1));
  return counted;
}

const unavailable = () => new UpstreamError({ kind: 'status', service: SERVICE, status: 503, message: `${SERVICE} answered 503` });

/** An attempt that fails with a fresh 503 each time (after `takesMs`), recording its errors and start times. */
function failing(takesMs = 0): (() => Promise<never>) & { errors: UpstreamError[]; startedAt: number[] } {
  const errors: UpstreamError[] = [];
  const startedAt: number[] = [];
  const attempt = async (): Promise<never> => {
    startedAt.push(Date.now() - START);
    const error = unavailable();
    errors.push(error);
    if (takesMs > 0) await new Promise((resolve) => setTimeout(resolve, takesMs));
    throw error;
  };
  return Object.assign(attempt, { errors, startedAt });
}

/** Runs one call to its end, moving the fake clock timer by timer. */
async function run(policy: ServicePolicy, attempt: () => Promise<unknown>, call: PolicyCall = { idempotent: true }): Promise<unknown> {
  let outcome: { error: unknown } | undefined;
  const done = policy.execute(attempt, call).then(
    () => (outcome = { error: undefined }),
    (error: unknown) => (outcome = { error }),
  );
  await vi.advanceTimersByTimeAsync(0);
  for (let i = 0; i < 100 && outcome === undefined; i++) await vi.advanceTimersToNextTimerAsync();
  await done;
  expect(outcome).toBeDefined();
  return outcome!.error;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe('service policy: the retry budget', () => {
  it('refuses a retry beyond the budget: the call fails at once with the failure it would have retried', async () => {
    // ratio 0, 0.1/s over 10 s: one retry in the whole window.
    const policy = createPolicy({ budget: { ratio: 0, minPerSecond: 0.1 } });
    const first = failing();
    const error = await run(policy, first);
    expect(first.errors).toHaveLength(2);
    expect(error).toBe(first.errors[1]);
    expect(policy.exhausted).toBe(1);

    const second = failing();
    expect(await run(policy, second)).toBe(second.errors[0]);
    expect(second.errors).toHaveLength(1);
    expect([policy.exhausted, policy.retries]).toEqual([2, 1]);
  });

  it('grows with first attempts: ratio 0.5 grants one retry per two calls', async () => {
    const policy = createPolicy({ maxRetries: 1, budget: { ratio: 0.5, minPerSecond: 0 } });
    const attempts = [failing(), failing(), failing(), failing()];
    for (const attempt of attempts) await run(policy, attempt);
    // Call 1: no budget yet (0.5 × 1 < 1); call 2: 0.5 × 2 = 1 retry; call 3: none; call 4: one more.
    expect(attempts.map((attempt) => attempt.errors.length)).toEqual([1, 2, 1, 2]);
    expect([policy.exhausted, policy.retries]).toEqual([2, 2]);
  });

  it("the last attempt's failure spends nothing: it was never going to be retried", async () => {
    const policy = createPolicy({ budget: { ratio: 0, minPerSecond: 0.2 } });
    const first = failing();
    await run(policy, first);
    expect(first.errors).toHaveLength(3);
    expect(policy.exhausted).toBe(0);
    // The two retries of the window are spent now.
    await run(policy, failing());
    expect(policy.exhausted).toBe(1);
  });

  it('writes without an idempotency key are never retried and never counted as refused', async () => {
    const policy = createPolicy({ budget: { ratio: 0, minPerSecond: 0 } });
    const write = failing();
    await run(policy, write, { idempotent: false });
    expect(write.errors).toHaveLength(1);
    expect(policy.exhausted).toBe(0);
  });

  it('the window slides: 10 s later the budget is back', async () => {
    const policy = createPolicy({ maxRetries: 1, budget: { ratio: 0, minPerSecond: 0.1 } });
    await run(policy, failing());
    await run(policy, failing());
    expect(policy.exhausted).toBe(1);
    vi.advanceTimersByTime(10_000);
    const later = failing();
    await run(policy, later);
    expect(later.errors).toHaveLength(2);
    expect(policy.exhausted).toBe(1);
  });
});

describe('service policy: no attempt starts after the request deadline', () => {
  it('a retry due at the deadline is not sent, even before the deadline timer fires; the last failure is returned', async () => {
    // Backoff "none" 60 ms then 120 ms; the deadline is 100 ms away, and no signal ever aborts.
    const policy = createPolicy({ initialDelayMs: 60, maxDelayMs: 120 });
    const attempt = failing();
    const error = await run(policy, attempt, { idempotent: true, deadlineAt: START + 100 });
    // t=0 and t=60; the next would start at t=100 (backoff clamped to the deadline).
    expect(attempt.startedAt).toEqual([0, 60]);
    expect(error).toBe(attempt.errors[1]);
  });

  it('a failure that ends after the deadline is not retried, spends no budget and is not counted as a retry', async () => {
    const policy = createPolicy({ budget: { ratio: 0, minPerSecond: 0.1 } });
    const slow = failing(150);
    const error = await run(policy, slow, { idempotent: true, deadlineAt: START + 100 });
    expect(slow.startedAt).toEqual([0]);
    expect(error).toBe(slow.errors[0]);
    expect([policy.retries, policy.exhausted]).toEqual([0, 0]);
    // The one retry of the window is still there.
    const next = failing();
    await run(policy, next);
    expect(next.errors).toHaveLength(2);
  });

  it('a call made after its deadline sends nothing and fails as cancelled', async () => {
    const policy = createPolicy({});
    const late = failing();
    const error = await run(policy, late, { idempotent: true, deadlineAt: START - 1 });
    expect(late.startedAt).toEqual([]);
    expect(error).toMatchObject({ kind: 'timeout', cancelled: true });
  });
});
