import { CircuitState, isBrokenCircuitError, wrap } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreakerWindow } from '../../../src/upstream/create-breaker-window.js';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from '../../../src/upstream/create-circuit-breaker.js';
import type { BreakerSettings } from '../../../src/upstream/service-settings.js';
import { track, type Tracked } from '../../helpers/track-promise.js';

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
const HALF_OPEN_AFTER_MS = 1000;

class BackendDown extends Error {}
class NotFound extends Error {}
class Cancelled extends Error {}

const countsAgainstBackend = (error: unknown) => error instanceof BackendDown;

function breakerWith(
  options: Partial<CircuitBreakerOptions> = {},
  settings: BreakerSettings = { kind: 'consecutive', threshold: 3 },
): { breaker: CircuitBreaker; states: string[] } {
  const breaker = createCircuitBreaker({
    isFailure: countsAgainstBackend,
    window: createBreakerWindow(settings),
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    ...options,
  });
  const states: string[] = [];
  breaker.onStateChange((state) => states.push(CircuitState[state]));
  return { breaker, states };
}

/** A call that stays in flight until the test settles it. */
function pendingCall(breaker: CircuitBreaker): { tracked: Tracked; started: () => boolean; resolve(value: string): void; reject(error: unknown): void } {
  let settle = { resolve: (_value: string) => undefined as void, reject: (_error: unknown) => undefined as void };
  let ran = false;
  const tracked = track(
    breaker.execute(
      () =>
        new Promise<string>((resolve, reject) => {
          ran = true;
          settle = { resolve, reject };
        }),
    ),
  );
  return { tracked, started: () => ran, resolve: (value) => settle.resolve(value), reject: (error) => settle.reject(error) };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

async function call(breaker: CircuitBreaker, outcome: Error | string, tookMs = 0): Promise<Tracked> {
  const tracked = track(
    breaker.execute(async () => {
      if (tookMs > 0) await new Promise((resolve) => setTimeout(resolve, tookMs));
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }),
  );
  await vi.advanceTimersByTimeAsync(tookMs);
  expect(tracked.status).not.toBe('pending');
  return tracked;
}

async function openIt(breaker: CircuitBreaker, failures = 3): Promise<void> {
  for (let i = 0; i < failures; i++) await call(breaker, new BackendDown());
  expect(breaker.state).toBe(CircuitState.Open);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createCircuitBreaker: defaults (one trial, one success closes)', () => {
  it('opens at the window threshold, refuses until halfOpenAfterMs, then lets exactly one trial through', async () => {
    const { breaker, states } = breakerWith();
    await openIt(breaker);
    expect(breaker.halfOpenAt()).toBe(START + HALF_OPEN_AFTER_MS);
    expect(breaker.isCallPermitted()).toBe(false);
    const early = await call(breaker, 'never');
    expect(isBrokenCircuitError(early.error)).toBe(true);

    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    expect(breaker.isCallPermitted()).toBe(true);
    const trial = pendingCall(breaker);
    await flush();
    expect(trial.started()).toBe(true);
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    expect(breaker.halfOpenAt()).toBeNull();
    expect(breaker.isCallPermitted()).toBe(false);
    const second = pendingCall(breaker);
    await flush();
    expect(second.started()).toBe(false);
    expect(isBrokenCircuitError(second.tracked.error)).toBe(true);

    trial.resolve('ok');
    await flush();
    expect(trial.tracked).toEqual({ status: 'fulfilled', value: 'ok' });
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(states).toEqual(['Open', 'HalfOpen', 'Closed']);
  });

  it('emits onBreak with the failure that opened it, onHalfOpen, onReset, and onFailure before onBreak', async () => {
    const { breaker } = breakerWith();
    const events: string[] = [];
    breaker.onFailure(({ handled }) => events.push(`failure:${handled}`));
    breaker.onSuccess(() => events.push('success'));
    breaker.onBreak((reason) => events.push(`break:${'error' in reason ? reason.error.constructor.name : '?'}`));
    breaker.onHalfOpen(() => events.push('halfOpen'));
    breaker.onReset(() => events.push('reset'));
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'ok');
    expect(events).toEqual(['failure:true', 'failure:true', 'failure:true', 'break:BackendDown', 'halfOpen', 'success', 'reset']);
  });
});

describe('createCircuitBreaker: halfOpenCalls and successThreshold', () => {
  it('halfOpenCalls 3: three trials in flight at once, a fourth refused; closed only after the third success', async () => {
    const { breaker, states } = breakerWith({ halfOpenCalls: 3, successThreshold: 3 });
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);

    const trials = [pendingCall(breaker), pendingCall(breaker), pendingCall(breaker)];
    const fourth = pendingCall(breaker);
    await flush();
    expect(trials.map((trial) => trial.started())).toEqual([true, true, true]);
    expect(fourth.started()).toBe(false);
    expect(isBrokenCircuitError(fourth.tracked.error)).toBe(true);
    expect((fourth.tracked.error as Error).message).toContain('half-open');

    trials[0]!.resolve('a');
    await flush();
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    // A slot freed: another trial may start (3 in flight at most, not 3 in all).
    expect(breaker.isCallPermitted()).toBe(true);
    trials[1]!.resolve('b');
    await flush();
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    trials[2]!.resolve('c');
    await flush();
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(trials.map((trial) => trial.tracked.value)).toEqual(['a', 'b', 'c']);
    expect(states).toEqual(['Open', 'HalfOpen', 'Closed']);
  });

  it('successThreshold 3 with one trial at a time: stays half-open after one and two successes', async () => {
    const { breaker } = breakerWith({ successThreshold: 3 });
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'one');
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    await call(breaker, 'two');
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    await call(breaker, 'three');
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('one failed trial opens it again, after two successes, with a fresh countdown', async () => {
    const { breaker, states } = breakerWith({ halfOpenCalls: 3, successThreshold: 3 });
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'one');
    await call(breaker, 'two');
    await vi.advanceTimersByTimeAsync(250);
    const failed = await call(breaker, new BackendDown());
    expect(failed.error).toBeInstanceOf(BackendDown);
    expect(breaker.state).toBe(CircuitState.Open);
    expect(breaker.halfOpenAt()).toBe(Date.now() + HALF_OPEN_AFTER_MS);
    expect(states).toEqual(['Open', 'HalfOpen', 'Open']);

    // The next half-open starts from zero successes.
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'again');
    expect(breaker.state).toBe(CircuitState.HalfOpen);
  });

  it('trials of a half-open that has ended do not move the next state', async () => {
    const { breaker } = breakerWith({ halfOpenCalls: 2, successThreshold: 2 });
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    const slowTrial = pendingCall(breaker);
    await call(breaker, new BackendDown()); // the other trial fails: open again
    expect(breaker.state).toBe(CircuitState.Open);
    slowTrial.resolve('late');
    await flush();
    expect(slowTrial.tracked.value).toBe('late');
    expect(breaker.state).toBe(CircuitState.Open);
  });

  it('an error isFailure ignores (a 4xx answer) counts as a successful trial; isTrialFailure fails it', async () => {
    const { breaker } = breakerWith({ isTrialFailure: (error) => countsAgainstBackend(error) || error instanceof Cancelled });
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    expect((await call(breaker, new NotFound())).error).toBeInstanceOf(NotFound);
    expect(breaker.state).toBe(CircuitState.Closed);

    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, new Cancelled());
    expect(breaker.state).toBe(CircuitState.Open);
    // While closed, the same error is not counted at all.
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'ok');
    for (let i = 0; i < 5; i++) await call(breaker, new Cancelled());
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  // cockatiel 3.2.1 counts such a call against the half-open circuit and opens it again.
  it('a call let through while closed that fails after the circuit half-opened does not re-open it', async () => {
    const { breaker } = breakerWith({ successThreshold: 2 });
    const straggler = pendingCall(breaker);
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'trial');
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    straggler.reject(new BackendDown());
    await flush();
    expect(breaker.state).toBe(CircuitState.HalfOpen);
    await call(breaker, 'trial 2');
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('closing starts the window over: the full threshold is needed to open again', async () => {
    const { breaker } = breakerWith();
    await openIt(breaker);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, new NotFound()); // closes without a success in the window
    await call(breaker, new BackendDown());
    await call(breaker, new BackendDown());
    expect(breaker.state).toBe(CircuitState.Closed);
    await call(breaker, new BackendDown());
    expect(breaker.state).toBe(CircuitState.Open);
  });
});

describe('createCircuitBreaker: slow calls', () => {
  const count: BreakerSettings = { kind: 'count', failureRate: 0.5, windowSize: 4, minimumCalls: 4, slowCallMs: 100, slowCallRate: 0.5 };

  it('opens when half the window was slow, though every call succeeded and returned its value', async () => {
    const { breaker } = breakerWith({ slowCallMs: 100 }, count);
    const slow: number[] = [];
    breaker.onSlowCall(({ duration }) => slow.push(duration));
    expect(await call(breaker, 'fast')).toEqual({ status: 'fulfilled', value: 'fast' });
    expect(await call(breaker, 'slow', 150)).toEqual({ status: 'fulfilled', value: 'slow' });
    expect(await call(breaker, 'fast')).toEqual({ status: 'fulfilled', value: 'fast' });
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(await call(breaker, 'slow again', 150)).toEqual({ status: 'fulfilled', value: 'slow again' });
    expect(breaker.state).toBe(CircuitState.Open);
    expect(slow).toEqual([150, 150]);
  });

  it('a call of exactly slowCallMs is not slow', async () => {
    const { breaker } = breakerWith({ slowCallMs: 100 }, count);
    for (let i = 0; i < 4; i++) await call(breaker, 'ok', 100);
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('without slowCallMs, slow calls are successes like any other', async () => {
    const { breaker } = breakerWith({}, { kind: 'count', failureRate: 0.5, windowSize: 4, minimumCalls: 4 });
    for (let i = 0; i < 8; i++) await call(breaker, 'ok', 5000);
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('a slow trial fails: the backend is still slow', async () => {
    const { breaker } = breakerWith({ slowCallMs: 100 }, count);
    for (let i = 0; i < 4; i++) await call(breaker, 'ok', 150);
    expect(breaker.state).toBe(CircuitState.Open);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    expect(await call(breaker, 'slow trial', 150)).toEqual({ status: 'fulfilled', value: 'slow trial' });
    expect(breaker.state).toBe(CircuitState.Open);
    await vi.advanceTimersByTimeAsync(HALF_OPEN_AFTER_MS);
    await call(breaker, 'fast trial', 10);
    expect(breaker.state).toBe(CircuitState.Closed);
  });

  it('the sampling window counts slow calls of the last windowMs', async () => {
    const sampling: BreakerSettings = { kind: 'sampling', failureRate: 0.5, windowMs: 1000, minimumRps: 4, slowCallMs: 100, slowCallRate: 0.5 };
    const { breaker } = breakerWith({ slowCallMs: 100 }, sampling);
    await call(breaker, 'ok');
    await call(breaker, 'ok', 150);
    await call(breaker, 'ok');
    expect(breaker.state).toBe(CircuitState.Closed); // 3 calls: below 4 per second
    await call(breaker, 'ok', 150);
    expect(breaker.state).toBe(CircuitState.Open); // 2 of 4 slow
  });
});

describe('createCircuitBreaker: cockatiel interface', () => {
  it('composes with wrap() and passes the signal through', async () => {
    const { breaker } = breakerWith();
    const controller = new AbortController();
    const policy = wrap(breaker);
    const seen = await policy.execute(({ signal }) => signal, controller.signal);
    expect(seen).toBe(controller.signal);
  });

  it('isolate() holds it open until every handle is disposed', async () => {
    const { breaker, states } = breakerWith();
    const first = breaker.isolate();
    const second = breaker.isolate();
    expect(breaker.state).toBe(CircuitState.Isolated);
    expect(breaker.isCallPermitted()).toBe(false);
    const refused = (await call(breaker, 'never')).error;
    // cockatiel 3.2.1's isIsolatedCircuitError() tests the bulkhead flag: read the flag itself.
    expect(refused).toMatchObject({ isBrokenCircuitError: true, isIsolatedCircuitError: true });
    first.dispose();
    first.dispose();
    expect(breaker.state).toBe(CircuitState.Isolated);
    second.dispose();
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(states).toEqual(['Isolated', 'Closed']);
  });
});
