import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServicePolicy, type PolicyCall, type ServicePolicy } from '../../../src/upstream/create-service-policy.js';
import { createRequestDeadline } from '../../../src/upstream/request-deadline.js';
import type { BreakerSettings, ServiceSettings } from '../../../src/upstream/service-settings.js';
import { isUpstreamError, UpstreamError } from '../../../src/upstream/upstream-error.js';

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
const SERVICE = 'catalog';

// ---------------------------------------------------------------------------
// Helpers

function settings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    url: 'http://catalog.test',
    timeoutMs: 100,
    maxBatchSize: 50,
    connections: 4,
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 40 },
    breaker: { kind: 'consecutive', threshold: 3 },
    halfOpenAfterMs: 5000,
    bulkhead: { maxConcurrent: 2, maxQueue: 1 },
    cache: { freshMs: 0, staleMs: 0 },
    ...overrides,
  };
}

type LogLine = Record<string, unknown> & { msg: string; level: number };

function setup(overrides: Partial<ServiceSettings> = {}): { policy: ServicePolicy; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') logs.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  const logger = pino({ level: 'warn' }, stream);
  return { policy: createServicePolicy(SERVICE, settings(overrides), { logger }), logs };
}

/** Settings whose breaker never gets in the way of retry tests. */
const lenientBreaker: BreakerSettings = { kind: 'consecutive', threshold: 1000 };
/** No retries: one logical call is one attempt, which keeps breaker tests simple. */
const noRetries = { maxRetries: 0, initialDelayMs: 10, maxDelayMs: 40 };

const fail = {
  status: (status: number, retryAfter?: number) =>
    new UpstreamError({ kind: 'status', service: SERVICE, status, retryAfter, message: `${SERVICE} answered ${status}` }),
  network: () => new UpstreamError({ kind: 'network', service: SERVICE, message: `${SERVICE} could not be reached` }),
  timeout: () => new UpstreamError({ kind: 'timeout', service: SERVICE, message: `${SERVICE} did not answer in time` }),
  badBody: () => new UpstreamError({ kind: 'bad_body', service: SERVICE, status: 200, message: `${SERVICE} sent garbage` }),
  cancelled: () =>
    new UpstreamError({ kind: 'timeout', service: SERVICE, cancelled: true, message: `${SERVICE} call cancelled: the request is over` }),
};

type Outcome = UpstreamError | Error | string;

/** An attempt that plays `outcomes` in order (repeating the last one) and records when it ran. */
function scripted(...outcomes: Outcome[]): (() => Promise<string>) & { times: number[] } {
  const times: number[] = [];
  const attempt = async () => {
    const outcome = outcomes[Math.min(times.length, outcomes.length - 1)];
    times.push(Date.now() - START);
    if (outcome instanceof Error) throw outcome;
    return outcome ?? 'ok';
  };
  return Object.assign(attempt, { times });
}

/** An attempt that stays in flight until the test settles it. */
interface Deferred {
  (): Promise<string>;
  calls: number;
  resolve(value: string): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let settle: { resolve(value: string): void; reject(error: unknown): void } = { resolve: () => undefined, reject: () => undefined };
  const attempt = (() => {
    attempt.calls++;
    return new Promise<string>((resolve, reject) => {
      settle = { resolve, reject };
    });
  }) as Deferred;
  attempt.calls = 0;
  attempt.resolve = (value) => settle.resolve(value);
  attempt.reject = (error) => settle.reject(error);
  return attempt;
}

interface Tracked<T> {
  status: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: unknown;
}

/** Observes a promise without awaiting it (and without leaving a rejection unhandled). */
function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { status: 'pending' };
  promise.then(
    (value) => {
      tracked.status = 'fulfilled';
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.status = 'rejected';
      tracked.error = error;
    },
  );
  return tracked;
}

/** Lets every pending promise callback run, without moving the clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);

/**
 * Runs one call to completion and returns its outcome, moving the clock only as far
 * as its backoffs need (timer by timer), so breaker countdowns stay predictable.
 */
async function run(policy: ServicePolicy, attempt: () => Promise<string>, call: PolicyCall = { idempotent: true }): Promise<Tracked<string>> {
  const tracked = track(policy.execute(attempt, call));
  await flush();
  for (let i = 0; i < 100 && tracked.status === 'pending'; i++) await vi.advanceTimersToNextTimerAsync();
  expect(tracked.status).not.toBe('pending');
  return tracked;
}

function upstreamError(tracked: Tracked<unknown>): UpstreamError {
  expect(tracked.status).toBe('rejected');
  expect(isUpstreamError(tracked.error)).toBe(true);
  return tracked.error as UpstreamError;
}

function retryLogs(logs: LogLine[]): LogLine[] {
  return logs.filter((line) => line.msg === 'retrying upstream call');
}

function breakerLogs(logs: LogLine[]): unknown[] {
  return logs.filter((line) => line.msg.startsWith('circuit breaker ')).map((line) => line.state);
}

/** Makes `count` failing calls (one attempt each when retries are off). */
async function failCalls(policy: ServicePolicy, count: number, make: () => UpstreamError = () => fail.status(503)): Promise<void> {
  for (let i = 0; i < count; i++) await run(policy, scripted(make()));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------
// Retries

describe('createServicePolicy: retries', () => {
  it('retries a 503 maxRetries times, then rejects with the last failure', async () => {
    const { policy, logs } = setup({ breaker: lenientBreaker });
    const failures = [fail.status(503), fail.status(503), fail.status(503)];
    const attempt = scripted(...failures);

    const result = await run(policy, attempt);

    expect(attempt.times).toHaveLength(3);
    expect(result.status).toBe('rejected');
    expect(result.error).toBe(failures[2]);
    expect(retryLogs(logs).map((line) => [line.service, line.attempt, line.reason, line.level])).toEqual([
      [SERVICE, 1, 'status', 40],
      [SERVICE, 2, 'status', 40],
    ]);
  });

  it.each([
    ['network', fail.network],
    ['timeout', fail.timeout],
    ['502', () => fail.status(502)],
    ['504', () => fail.status(504)],
    ['429 without Retry-After', () => fail.status(429)],
  ])('retries a %s failure (1 + maxRetries attempts)', async (_name, make) => {
    const { policy } = setup({ breaker: lenientBreaker });
    const last = make();
    const attempt = scripted(make(), make(), last);

    const result = await run(policy, attempt);

    expect(attempt.times).toHaveLength(3);
    expect(result.error).toBe(last);
  });

  it('honours maxRetries from the settings', async () => {
    const { policy } = setup({ breaker: lenientBreaker, retry: { maxRetries: 4, initialDelayMs: 10, maxDelayMs: 40 } });
    const attempt = scripted(fail.network());
    await run(policy, attempt);
    expect(attempt.times).toHaveLength(5);
  });

  it.each([
    ['400', () => fail.status(400)],
    ['404', () => fail.status(404)],
    ['409', () => fail.status(409)],
    ['500', () => fail.status(500)],
    ['bad_body', fail.badBody],
    ['cancelled timeout', fail.cancelled],
    ['plain Error', () => new Error('bug in the attempt')],
  ])('does not retry a %s failure (1 attempt, same error)', async (_name, make) => {
    const { policy, logs } = setup({ breaker: lenientBreaker });
    const error = make();
    const attempt = scripted(error, 'never reached');

    const result = await run(policy, attempt);

    expect(attempt.times).toHaveLength(1);
    expect(result.status).toBe('rejected');
    expect(result.error).toBe(error);
    expect(retryLogs(logs)).toHaveLength(0);
  });

  it('never retries a non-idempotent call, even on a retryable failure', async () => {
    const { policy, logs } = setup({ breaker: lenientBreaker });
    const error = fail.status(503);
    const attempt = scripted(error, 'never reached');

    const result = await run(policy, attempt, { idempotent: false });

    expect(attempt.times).toHaveLength(1);
    expect(result.error).toBe(error);
    expect(retryLogs(logs)).toHaveLength(0);
  });

  it('resolves when the second attempt succeeds', async () => {
    const { policy, logs } = setup({ breaker: lenientBreaker });
    const attempt = scripted(fail.status(503), 'second time lucky', 'never reached');

    const result = await run(policy, attempt);

    expect(result).toEqual({ status: 'fulfilled', value: 'second time lucky' });
    expect(attempt.times).toHaveLength(2);
    expect(retryLogs(logs)).toHaveLength(1);
  });

  it('resolves without delay or retry when the first attempt succeeds', async () => {
    const { policy } = setup();
    const attempt = scripted('first');
    const tracked = track(policy.execute(attempt, { idempotent: true }));
    await flush();
    expect(tracked).toEqual({ status: 'fulfilled', value: 'first' });
    expect(attempt.times).toEqual([0]);
  });

  describe('backoff (full jitter)', () => {
    const retrySettings = { maxRetries: 4, initialDelayMs: 10, maxDelayMs: 40 };
    // Ceilings: initialDelayMs doubling per retry, capped at maxDelayMs.
    const ceilings = [10, 20, 40, 40];

    async function delaysWith(random: number): Promise<{ delays: number[]; gaps: number[]; logged: unknown[] }> {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const { policy, logs } = setup({ breaker: lenientBreaker, retry: retrySettings });
      const delays: number[] = [];
      policy.retry.onRetry((event) => delays.push(event.delay));
      const attempt = scripted(fail.status(503));
      await run(policy, attempt);
      const gaps = attempt.times.slice(1).map((time, i) => time - (attempt.times[i] ?? 0));
      return { delays, gaps, logged: retryLogs(logs).map((line) => line.delayMs) };
    }

    it('waits the exponential ceiling when the jitter draws its maximum', async () => {
      const { delays, gaps, logged } = await delaysWith(1);
      expect(delays).toEqual(ceilings);
      expect(gaps).toEqual(ceilings);
      expect(logged).toEqual(ceilings);
    });

    it('waits a jittered fraction of the ceiling', async () => {
      const { delays, gaps } = await delaysWith(0.5);
      expect(delays).toEqual([5, 10, 20, 20]);
      expect(gaps).toEqual([5, 10, 20, 20]);
    });

    it('retries at once when the jitter draws 0', async () => {
      const { delays, gaps } = await delaysWith(0);
      expect(delays).toEqual([0, 0, 0, 0]);
      // A zero timer still yields to the event loop (the fake clock, like Node, may count it as 1 ms).
      expect(gaps.every((gap) => gap <= 1)).toBe(true);
    });

    it('never waits longer than the ceiling with real randomness', async () => {
      // A budget for all 100 retries (the default one stops at 0.2 × 25 + 50 = 55).
      const { policy } = setup({ breaker: lenientBreaker, retry: { ...retrySettings, budget: { ratio: 1, minPerSecond: 10 } } });
      const delays: number[] = [];
      policy.retry.onRetry((event) => delays.push(event.delay));
      for (let i = 0; i < 25; i++) await run(policy, scripted(fail.network()));
      expect(delays).toHaveLength(100);
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceilings[i % 4] ?? Number.NaN);
      });
    });
  });

  describe('Retry-After', () => {
    it('a 429 with Retry-After 2 waits exactly 2000 ms before the next attempt', async () => {
      const { policy, logs } = setup({ breaker: lenientBreaker });
      const attempt = scripted(fail.status(429, 2), 'after the wait');
      const tracked = track(policy.execute(attempt, { idempotent: true }));

      await vi.advanceTimersByTimeAsync(1999);
      expect(attempt.times).toEqual([0]);
      expect(tracked.status).toBe('pending');

      await vi.advanceTimersByTimeAsync(1);
      expect(attempt.times).toEqual([0, 2000]);
      await flush();
      expect(tracked).toEqual({ status: 'fulfilled', value: 'after the wait' });
      expect(retryLogs(logs)[0]).toMatchObject({ delayMs: 2000, reason: 'status', attempt: 1 });
    });

    it('waits the Retry-After when it fits in the deadline', async () => {
      const { policy } = setup({ breaker: lenientBreaker });
      const attempt = scripted(fail.status(429, 2), 'ok');
      const signal = new AbortController().signal;
      const tracked = track(policy.execute(attempt, { idempotent: true, signal, deadlineAt: START + 5000 }));
      await vi.advanceTimersByTimeAsync(1999);
      expect(attempt.times).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await flush();
      expect(attempt.times).toEqual([0, 2000]);
      expect(tracked.status).toBe('fulfilled');
    });

    it('does not retry at all when the Retry-After ends past the deadline', async () => {
      const { policy, logs } = setup({ breaker: lenientBreaker });
      const error = fail.status(429, 2);
      const attempt = scripted(error, 'never reached');
      const signal = new AbortController().signal;

      const tracked = track(policy.execute(attempt, { idempotent: true, signal, deadlineAt: START + 1500 }));
      await flush();

      // Rejected at once: no pointless wait.
      expect(Date.now()).toBe(START);
      expect(tracked.status).toBe('rejected');
      expect(tracked.error).toBe(error);
      expect(attempt.times).toEqual([0]);
      expect(retryLogs(logs)).toHaveLength(0);

      await vi.advanceTimersByTimeAsync(10_000);
      expect(attempt.times).toEqual([0]);
    });

    it('does not retry when the Retry-After ends past the deadline, even without a signal', async () => {
      const { policy } = setup({ breaker: lenientBreaker });
      const error = fail.status(503, 10);
      const attempt = scripted(error, 'never reached');
      const result = await run(policy, attempt, { idempotent: true, deadlineAt: START + 9000 });
      expect(attempt.times).toEqual([0]);
      expect(result.error).toBe(error);
    });
  });

  describe('deadline', () => {
    it('clamps every backoff to the time left before deadlineAt, and sends nothing once it is reached', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const { policy } = setup({ breaker: lenientBreaker, retry: { maxRetries: 2, initialDelayMs: 1000, maxDelayMs: 4000 } });
      const delays: number[] = [];
      policy.retry.onRetry((event) => delays.push(event.delay));
      const first = fail.status(503);
      const attempt = scripted(first, fail.status(503), fail.status(503));
      const signal = new AbortController().signal; // never aborts: only the clamp limits the wait

      const result = await run(policy, attempt, { idempotent: true, signal, deadlineAt: START + 300 });

      // Unclamped, the attempts would run at 0, 1000 and 3000; the retry due at the
      // deadline (300) is not sent, and the failure it would have retried is the answer.
      expect(delays).toEqual([300]);
      expect(attempt.times).toEqual([0]);
      expect(result.error).toBe(first);
    });

    it('a Retry-After that ends at the deadline or later is not waited for', async () => {
      const { policy } = setup({ breaker: lenientBreaker });
      const unavailable = fail.status(503, 1);
      const attempt = scripted(unavailable, 'never reached');
      const signal = new AbortController().signal;
      const delays: number[] = [];
      policy.retry.onRetry((event) => delays.push(event.delay));

      const result = await run(policy, attempt, { idempotent: true, signal, deadlineAt: START + 1000 });

      // Retry-After 1 s would start the retry exactly at the deadline.
      expect(delays).toEqual([]);
      expect(attempt.times).toEqual([0]);
      expect(result.error).toBe(unavailable);
    });

    it("with a request deadline, the call is over when the deadline's signal aborts", async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const { policy } = setup({ breaker: lenientBreaker, retry: { maxRetries: 5, initialDelayMs: 1000, maxDelayMs: 4000 } });
      const deadline = createRequestDeadline(300);
      const attempt = scripted(fail.status(503));

      const tracked = track(policy.execute(attempt, { idempotent: true, signal: deadline.signal, deadlineAt: deadline.deadlineAt }));
      await vi.advanceTimersByTimeAsync(300);
      await flush();

      expect(deadline.signal.aborted).toBe(true);
      expect(tracked.status).toBe('rejected');
      // Settled by the deadline; the backoff (1000 ms unclamped) did not outlive it.
      expect(attempt.times.every((time) => time <= 300)).toBe(true);
      expect(attempt.times.length).toBeLessThanOrEqual(2);
      // And nothing is retried once the signal has aborted.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(attempt.times.length).toBeLessThanOrEqual(2);
      deadline.dispose();
    });

    // cockatiel's retry checks the signal only right after an attempt, not after sleeping,
    // and the clamped backoff ends exactly when the deadline fires: the policy itself must
    // refuse to start an attempt for a request that is already over.
    it('starts no attempt once the request deadline has aborted the signal', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const { policy } = setup({ breaker: lenientBreaker, retry: { maxRetries: 5, initialDelayMs: 1000, maxDelayMs: 4000 } });
      const deadline = createRequestDeadline(300);
      const abortedAtAttempt: boolean[] = [];
      const attempt = async (): Promise<string> => {
        abortedAtAttempt.push(deadline.signal.aborted);
        throw fail.status(503);
      };
      await run(policy, attempt, { idempotent: true, signal: deadline.signal, deadlineAt: deadline.deadlineAt });
      deadline.dispose();
      expect(abortedAtAttempt).not.toContain(true);
    });
  });
});

// ---------------------------------------------------------------------------
// Circuit breaker

describe('createServicePolicy: consecutive breaker', () => {
  function openBreaker(): { policy: ServicePolicy; logs: LogLine[]; opened: Promise<void> } {
    const { policy, logs } = setup({ retry: noRetries });
    return { policy, logs, opened: failCalls(policy, 3) };
  }

  it('is closed, with no half-open countdown, at start', () => {
    const { policy } = setup();
    expect(policy.breakerState()).toBe('closed');
    expect(policy.secondsUntilHalfOpen()).toBeNull();
    expect(policy.service).toBe(SERVICE);
  });

  it('opens after 3 failing calls in a row, and logs it', async () => {
    const { policy, logs } = setup({ retry: noRetries });
    await failCalls(policy, 2);
    expect(policy.breakerState()).toBe('closed');
    expect(breakerLogs(logs)).toEqual([]);

    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open');
    expect(policy.secondsUntilHalfOpen()).toBe(5);
    const line = logs.find((entry) => entry.msg === 'circuit breaker open');
    expect(line).toMatchObject({ service: SERVICE, state: 'open', level: 40 });
  });

  it('a success resets the count of consecutive failures', async () => {
    const { policy } = setup({ retry: noRetries });
    await failCalls(policy, 2);
    await run(policy, scripted('ok'));
    await failCalls(policy, 2);
    expect(policy.breakerState()).toBe('closed');
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open');
  });

  it('while open, rejects with circuit_open without calling the backend', async () => {
    const { policy, opened } = openBreaker();
    await opened;
    const attempt = scripted('never reached');

    for (const idempotent of [true, false]) {
      const error = upstreamError(await run(policy, attempt, { idempotent }));
      expect(error.kind).toBe('circuit_open');
      expect(error.service).toBe(SERVICE);
      expect(error.message).toContain('circuit is open');
    }
    expect(attempt.times).toEqual([]);
  });

  it("counts retryAfter and secondsUntilHalfOpen() down to the half-open time", async () => {
    const { policy, opened } = openBreaker();
    await opened;
    const attempt = scripted('never reached');
    const rejectAfter = async (): Promise<number | undefined> => {
      const tracked = track(policy.execute(attempt, { idempotent: true }));
      await flush();
      const error = upstreamError(tracked);
      expect(error.kind).toBe('circuit_open');
      return error.retryAfter;
    };

    expect(await rejectAfter()).toBe(5);
    expect(policy.secondsUntilHalfOpen()).toBe(5);

    await vi.advanceTimersByTimeAsync(1);
    expect(await rejectAfter()).toBe(5); // 4.999 s rounds up
    expect(policy.secondsUntilHalfOpen()).toBe(5);

    await vi.advanceTimersByTimeAsync(1999);
    expect(await rejectAfter()).toBe(3);
    expect(policy.secondsUntilHalfOpen()).toBe(3);

    await vi.advanceTimersByTimeAsync(1500);
    expect(await rejectAfter()).toBe(2);
    expect(policy.secondsUntilHalfOpen()).toBe(2);

    await vi.advanceTimersByTimeAsync(1499); // 4999 ms after opening
    expect(await rejectAfter()).toBe(1);
    expect(policy.secondsUntilHalfOpen()).toBe(1);
    expect(policy.breakerState()).toBe('open');
    expect(attempt.times).toEqual([]);
  });

  it('secondsUntilHalfOpen() stays at 1, not 0, once due but before the trial call', async () => {
    const { policy, opened } = openBreaker();
    await opened;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(policy.breakerState()).toBe('open');
    expect(policy.secondsUntilHalfOpen()).toBe(1);
  });

  it('after halfOpenAfterMs, lets one trial through and rejects concurrent calls at once', async () => {
    const { policy, logs, opened } = openBreaker();
    await opened;
    await vi.advanceTimersByTimeAsync(5000);

    const trial = deferred();
    const trialCall = track(policy.execute(trial, { idempotent: true }));
    await flush();
    expect(trial.calls).toBe(1);
    expect(policy.breakerState()).toBe('half_open');
    expect(policy.secondsUntilHalfOpen()).toBeNull();

    const other = scripted('never reached');
    const concurrent = [
      track(policy.execute(other, { idempotent: true })),
      track(policy.execute(other, { idempotent: false })),
    ];
    await flush();
    for (const call of concurrent) {
      const error = upstreamError(call); // rejected while the trial is still in flight
      expect(error.kind).toBe('circuit_open');
      expect(error.retryAfter).toBe(1); // ceil(timeoutMs / 1000), at least 1
      expect(error.message).toContain('half-open');
    }
    expect(other.times).toEqual([]);
    expect(trialCall.status).toBe('pending');

    trial.resolve('trial ok');
    await flush();
    expect(trialCall).toEqual({ status: 'fulfilled', value: 'trial ok' });
    expect(policy.breakerState()).toBe('closed');
    expect(policy.secondsUntilHalfOpen()).toBeNull();
    expect(breakerLogs(logs)).toEqual(['open', 'half_open', 'closed']);

    // Closed again: calls reach the backend and the failure count starts over.
    const after = scripted('ok');
    expect(await run(policy, after)).toEqual({ status: 'fulfilled', value: 'ok' });
    await failCalls(policy, 2);
    expect(policy.breakerState()).toBe('closed');
  });

  it('the half-open answer says to wait the per-attempt timeout, in whole seconds', async () => {
    const { policy } = setup({ retry: noRetries, timeoutMs: 2500 });
    await failCalls(policy, 3);
    await vi.advanceTimersByTimeAsync(5000);
    const trial = deferred();
    track(policy.execute(trial, { idempotent: true }));
    await flush();
    const concurrent = track(policy.execute(scripted('x'), { idempotent: true }));
    await flush();
    expect(upstreamError(concurrent).retryAfter).toBe(3);
    trial.resolve('ok');
    await flush();
  });

  it.each([
    ['503', () => fail.status(503)],
    ['timeout', fail.timeout],
  ])('a failed trial (%s) opens the breaker again with a fresh countdown', async (_name, make) => {
    const { policy, logs, opened } = openBreaker();
    await opened;
    await vi.advanceTimersByTimeAsync(5000);

    const trial = scripted(make());
    const trialResult = track(policy.execute(trial, { idempotent: true }));
    await flush();
    expect(trial.times).toEqual([5000]);
    expect(policy.breakerState()).toBe('open');
    expect(policy.secondsUntilHalfOpen()).toBe(5);
    // The trial's own failure tells the caller when the next trial is due.
    expect(upstreamError(trialResult).retryAfter).toBe(5);
    expect(breakerLogs(logs)).toEqual(['open', 'half_open', 'open']);

    const attempt = scripted('ok');
    await vi.advanceTimersByTimeAsync(4999);
    const early = track(policy.execute(attempt, { idempotent: true }));
    await flush();
    expect(upstreamError(early)).toMatchObject({ kind: 'circuit_open', retryAfter: 1 });
    expect(attempt.times).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    const due = track(policy.execute(attempt, { idempotent: true }));
    await flush();
    expect(due).toEqual({ status: 'fulfilled', value: 'ok' });
    expect(attempt.times).toEqual([10_000]);
    expect(policy.breakerState()).toBe('closed');
  });

  it('a 4xx trial answer closes the breaker (the backend is answering)', async () => {
    const { policy, opened } = openBreaker();
    await opened;
    await vi.advanceTimersByTimeAsync(5000);
    const error = fail.status(404);
    const result = await run(policy, scripted(error));
    expect(result.error).toBe(error);
    expect(policy.breakerState()).toBe('closed');
  });

  it.each([
    ['404', () => fail.status(404)],
    ['409', () => fail.status(409)],
    ['429', () => fail.status(429)],
    ['400', () => fail.status(400)],
  ])('does not count %s answers as failures', async (_name, make) => {
    const { policy, logs } = setup({ retry: noRetries });
    const attempt = scripted(make());
    for (let i = 0; i < 10; i++) await run(policy, attempt);
    expect(attempt.times).toHaveLength(10);
    expect(policy.breakerState()).toBe('closed');
    expect(breakerLogs(logs)).toEqual([]);
  });

  it.each([
    ['500', () => fail.status(500)],
    ['502', () => fail.status(502)],
    ['503', () => fail.status(503)],
    ['bad_body', fail.badBody],
    ['timeout', fail.timeout],
    ['network', fail.network],
  ])('counts %s failures', async (_name, make) => {
    const { policy } = setup({ retry: noRetries });
    await failCalls(policy, 2, make);
    expect(policy.breakerState()).toBe('closed');
    await failCalls(policy, 1, make);
    expect(policy.breakerState()).toBe('open');
  });

  it('does not count cancelled calls, and passes their error through untouched', async () => {
    const { policy } = setup({ retry: noRetries });
    const attempt = scripted(fail.cancelled());
    for (let i = 0; i < 10; i++) {
      const result = await run(policy, attempt);
      expect(upstreamError(result)).toMatchObject({ kind: 'timeout', cancelled: true, retryAfter: undefined });
    }
    expect(attempt.times).toHaveLength(10);
    expect(policy.breakerState()).toBe('closed');
  });

  it('failures before the breaker opens keep their own retryAfter', async () => {
    const { policy } = setup({ retry: noRetries });
    const first = fail.status(503);
    expect((await run(policy, scripted(first))).error).toBe(first);
    const second = fail.status(503, 2);
    expect((await run(policy, scripted(second))).error).toBe(second);
  });

  it.each([
    [undefined, 5],
    [2, 5],
    [5, 5],
    [30, 30],
  ])('the failure that opens the breaker (retryAfter %s) carries retryAfter %i', async (ownRetryAfter, expected) => {
    const { policy } = setup({ retry: noRetries });
    await failCalls(policy, 2);
    const opening = fail.status(503, ownRetryAfter);
    const error = upstreamError(await run(policy, scripted(opening)));
    expect(policy.breakerState()).toBe('open');
    expect(error).not.toBe(opening);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'status', status: 503, service: SERVICE, message: opening.message, retryAfter: expected });
  });

  it('with retries, every attempt counts: one call of three 503s opens the breaker', async () => {
    const { policy } = setup(); // maxRetries 2, threshold 3
    const attempt = scripted(fail.status(503));
    const error = upstreamError(await run(policy, attempt));
    expect(attempt.times).toHaveLength(3);
    expect(policy.breakerState()).toBe('open');
    expect(error).toMatchObject({ kind: 'status', status: 503, retryAfter: 5 });
  });

  it('retries stop as soon as the breaker opens', async () => {
    const { policy } = setup({ breaker: { kind: 'consecutive', threshold: 2 } }); // maxRetries 2
    const attempt = scripted(fail.status(503));
    const error = upstreamError(await run(policy, attempt));
    expect(attempt.times).toHaveLength(2); // the third attempt met the open breaker
    expect(policy.breakerState()).toBe('open');
    expect(error.kind).toBe('circuit_open');
    expect(error.retryAfter).toBeGreaterThanOrEqual(4);
    expect(error.retryAfter).toBeLessThanOrEqual(5);
  });

  it("names the isolated state and answers circuit_open while it holds", async () => {
    const { policy } = setup();
    const handle = policy.breaker.isolate();
    expect(policy.breakerState()).toBe('isolated');
    const attempt = scripted('never reached');
    expect(upstreamError(await run(policy, attempt)).kind).toBe('circuit_open');
    expect(attempt.times).toEqual([]);
    handle.dispose();
    expect(policy.breakerState()).toBe('closed');
  });

  // cockatiel treats any error its filter does not handle as a successful trial; a
  // cancelled trial proves nothing, so the policy counts it as a failed one.
  it('a cancelled half-open trial does not close the breaker', async () => {
    const { policy, opened } = openBreaker();
    await opened;
    await vi.advanceTimersByTimeAsync(5000);
    await run(policy, scripted(fail.cancelled()));
    expect(policy.breakerState()).not.toBe('closed');
  });
});

describe('createServicePolicy: count breaker', () => {
  const count: BreakerSettings = { kind: 'count', failureRate: 0.5, windowSize: 4, minimumCalls: 4 };

  it('does not open before minimumCalls calls, then opens', async () => {
    const { policy } = setup({ retry: noRetries, breaker: count });
    await failCalls(policy, 3);
    expect(policy.breakerState()).toBe('closed');
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open');
    expect(policy.secondsUntilHalfOpen()).toBe(5);
  });

  it('opens only when more than failureRate of the last windowSize calls failed', async () => {
    const { policy } = setup({ retry: noRetries, breaker: count });
    await run(policy, scripted('ok'));
    await failCalls(policy, 1);
    await run(policy, scripted('ok'));
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('closed'); // 2 of 4: not more than half
    await failCalls(policy, 1); // window now F S F F
    expect(policy.breakerState()).toBe('open');
  });

  it('does not count 4xx answers toward the window', async () => {
    const { policy } = setup({ retry: noRetries, breaker: count });
    for (let i = 0; i < 6; i++) await run(policy, scripted(fail.status(404)));
    await failCalls(policy, 3);
    expect(policy.breakerState()).toBe('closed');
  });
});

describe('createServicePolicy: sampling breaker', () => {
  const sampling: BreakerSettings = { kind: 'sampling', failureRate: 0.5, windowMs: 1000, minimumRps: 1 };

  it('opens when more than failureRate of the calls in the window failed', async () => {
    const { policy } = setup({ retry: noRetries, breaker: sampling });
    await run(policy, scripted('ok'));
    await run(policy, scripted('ok'));
    await failCalls(policy, 2);
    expect(policy.breakerState()).toBe('closed'); // 2 of 4
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open'); // 3 of 5
  });

  it('with minimumRps 1 over 1000 ms, one failed call is enough', async () => {
    const { policy } = setup({ retry: noRetries, breaker: sampling });
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open');
  });

  it('does not open before windowMs × minimumRps calls', async () => {
    const { policy } = setup({ retry: noRetries, breaker: { ...sampling, minimumRps: 5 } });
    await failCalls(policy, 4);
    expect(policy.breakerState()).toBe('closed');
    await failCalls(policy, 1);
    expect(policy.breakerState()).toBe('open');
  });
});

// ---------------------------------------------------------------------------
// Bulkhead

describe('createServicePolicy: bulkhead', () => {
  it('queues beyond maxConcurrent, rejects beyond maxQueue at once, and runs the queued call when a slot frees', async () => {
    const { policy } = setup();
    const first = deferred();
    const second = deferred();
    const queued = deferred();
    const calls = [first, second, queued].map((attempt) => track(policy.execute(attempt, { idempotent: true })));
    await flush();
    expect([first.calls, second.calls, queued.calls]).toEqual([1, 1, 0]);
    expect(policy.bulkhead.executionSlots).toBe(0);
    expect(policy.bulkhead.queueSlots).toBe(0);

    const fourth = scripted('never reached');
    const rejected = track(policy.execute(fourth, { idempotent: true }));
    await flush();
    const error = upstreamError(rejected);
    expect(error).toMatchObject({ kind: 'bulkhead_full', service: SERVICE, retryAfter: 1 });
    expect(fourth.times).toEqual([]);
    expect(calls.map((call) => call.status)).toEqual(['pending', 'pending', 'pending']);

    first.resolve('one');
    await flush();
    expect(queued.calls).toBe(1);
    expect(calls[0]).toEqual({ status: 'fulfilled', value: 'one' });

    queued.resolve('three');
    second.resolve('two');
    await flush();
    expect(calls.map((call) => call.value)).toEqual(['one', 'two', 'three']);
    expect(policy.bulkhead.executionSlots).toBe(2);
  });

  it('a failed call frees its slot too', async () => {
    const { policy } = setup({ retry: noRetries });
    const first = deferred();
    const second = deferred();
    const queued = scripted('queued ok');
    const calls = [first, second, queued].map((attempt) => track(policy.execute(attempt, { idempotent: true })));
    await flush();
    first.reject(fail.status(404));
    await flush();
    expect(calls[0]?.status).toBe('rejected');
    expect(calls[2]).toEqual({ status: 'fulfilled', value: 'queued ok' });
    second.resolve('two');
    await flush();
  });

  it('bulkhead rejections do not count toward the breaker', async () => {
    const { policy } = setup({ retry: noRetries });
    const first = deferred();
    const second = deferred();
    const queued = deferred();
    for (const attempt of [first, second, queued]) track(policy.execute(attempt, { idempotent: true }));
    for (let i = 0; i < 5; i++) {
      const rejected = track(policy.execute(scripted('x'), { idempotent: true }));
      await flush();
      expect(upstreamError(rejected).kind).toBe('bulkhead_full');
    }
    expect(policy.breakerState()).toBe('closed');
    first.resolve('1');
    second.resolve('2');
    await flush();
    queued.resolve('3');
    await flush();
  });

  // cockatiel 3.2.1's isTaskCancelledError() tests for 'isBulkheadRejectedError', so the
  // policy reads the flag itself.
  it('an already-aborted signal rejects with a cancelled UpstreamError', async () => {
    const { policy } = setup();
    const controller = new AbortController();
    controller.abort(new Error('client gone'));
    const attempt = scripted('never reached');
    const result = await run(policy, attempt, { idempotent: true, signal: controller.signal });
    expect(attempt.times).toEqual([]);
    expect(upstreamError(result)).toMatchObject({ kind: 'timeout', cancelled: true, service: SERVICE });
  });

  it('a queued call whose signal aborts while waiting rejects with a cancelled UpstreamError', async () => {
    const { policy } = setup();
    const first = deferred();
    const second = deferred();
    track(policy.execute(first, { idempotent: true }));
    track(policy.execute(second, { idempotent: true }));
    const controller = new AbortController();
    const queued = scripted('never reached');
    const waiting = track(policy.execute(queued, { idempotent: true, signal: controller.signal }));
    await flush();
    controller.abort(new Error('deadline'));
    first.resolve('1');
    second.resolve('2');
    await flush();
    expect(queued.times).toEqual([]);
    expect(upstreamError(waiting)).toMatchObject({ kind: 'timeout', cancelled: true });
  });
});

describe('createServicePolicy: a deadline that cuts retries short', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("answers with the backend's last real failure, not with the cancellation", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { policy } = setup({ retry: { maxRetries: 5, initialDelayMs: 1000, maxDelayMs: 4000 } });
    const deadline = createRequestDeadline(300);
    const outcome = policy
      .execute(async () => {
        throw fail.status(503);
      }, { idempotent: true, signal: deadline.signal, deadlineAt: deadline.deadlineAt })
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    const error = (await outcome) as UpstreamError;
    deadline.dispose();
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'status', status: 503, cancelled: false });
  });
});
