import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestDeadline } from '../../../src/upstream/request-deadline.js';

const START = Date.UTC(2024, 0, 1, 12, 0, 0);

describe('createRequestDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('deadlineAt is Date.now() + budget', () => {
    const deadline = createRequestDeadline(750);
    expect(deadline.deadlineAt).toBe(START + 750);
    deadline.dispose();
  });

  it('aborts the signal exactly when the budget is spent', async () => {
    const deadline = createRequestDeadline(300);
    const onAbort = vi.fn();
    deadline.signal.addEventListener('abort', onAbort);

    await vi.advanceTimersByTimeAsync(299);
    expect(deadline.signal.aborted).toBe(false);
    expect(onAbort).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(deadline.deadlineAt);
    const reason = deadline.signal.reason as Error;
    expect(reason).toBeInstanceOf(Error);
    expect(reason.name).toBe('TimeoutError');
    expect(reason.message).toContain('300 ms');
    deadline.dispose();
  });

  it("propagates the parent's abort and its reason before the budget is spent", async () => {
    const parent = new AbortController();
    const deadline = createRequestDeadline(1000, parent.signal);
    await vi.advanceTimersByTimeAsync(100);
    expect(deadline.signal.aborted).toBe(false);

    const reason = new Error('client went away');
    parent.abort(reason);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(reason);

    // The budget passing later does not replace the reason.
    await vi.advanceTimersByTimeAsync(1000);
    expect(deadline.signal.reason).toBe(reason);
    deadline.dispose();
  });

  it('is aborted at once when the parent already is', () => {
    const parent = new AbortController();
    const reason = new Error('already gone');
    parent.abort(reason);
    const deadline = createRequestDeadline(1000, parent.signal);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(reason);
    deadline.dispose();
  });

  it('works without a parent', async () => {
    const deadline = createRequestDeadline(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(deadline.signal.aborted).toBe(true);
    deadline.dispose();
  });

  it('dispose() clears the timer: the signal never aborts afterwards', async () => {
    const before = vi.getTimerCount();
    const deadline = createRequestDeadline(200);
    expect(vi.getTimerCount()).toBe(before + 1);

    await vi.advanceTimersByTimeAsync(100);
    deadline.dispose();
    expect(vi.getTimerCount()).toBe(before);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("dispose() removes the parent's listener: a later parent abort is not propagated", () => {
    const parent = new AbortController();
    const remove = vi.spyOn(parent.signal, 'removeEventListener');
    const deadline = createRequestDeadline(1000, parent.signal);
    deadline.dispose();

    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    parent.abort(new Error('late'));
    expect(deadline.signal.aborted).toBe(false);
  });

  it('dispose() is harmless after the deadline fired and when called twice', async () => {
    const parent = new AbortController();
    const deadline = createRequestDeadline(10, parent.signal);
    await vi.advanceTimersByTimeAsync(10);
    expect(deadline.signal.aborted).toBe(true);
    expect(() => {
      deadline.dispose();
      deadline.dispose();
    }).not.toThrow();
  });

  it('each deadline has its own timer', async () => {
    const short = createRequestDeadline(100);
    const long = createRequestDeadline(500);
    await vi.advanceTimersByTimeAsync(100);
    expect(short.signal.aborted).toBe(true);
    expect(long.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(long.signal.aborted).toBe(true);
    short.dispose();
    long.dispose();
  });
});

describe('createRequestDeadline timer (real timers)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('does not keep the process alive (the timer is unref-ed)', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const deadline = createRequestDeadline(60_000);
    try {
      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
    } finally {
      deadline.dispose();
    }
  });
});
