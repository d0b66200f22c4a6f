import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { describe, expect, it, vi } from 'vitest';
import { RetryAfterBackoff } from '../../../src/upstream/retry-after-backoff.js';
import { UpstreamError } from '../../../src/upstream/upstream-error.js';

type Context = IRetryBackoffContext<unknown>;

/** An inner backoff that doubles from `first` and records the contexts it is asked for. */
function doublingFactory(first: number): IBackoffFactory<Context> & { contexts: Context[] } {
  const contexts: Context[] = [];
  const step = (duration: number): IBackoff<Context> => ({
    duration,
    next: (context) => {
      contexts.push(context);
      return step(duration * 2);
    },
  });
  return {
    contexts,
    next: (context) => {
      contexts.push(context);
      return step(first);
    },
  };
}

const signal = new AbortController().signal;

function failed(error: unknown, attempt = 1): Context {
  // cockatiel types a thrown value as Error; a backend client may throw anything.
  return { attempt, signal, result: { error: error as Error } };
}

function upstream(retryAfter?: number): UpstreamError {
  return new UpstreamError({ kind: 'status', service: 'catalog', status: 503, retryAfter, message: 'catalog answered 503' });
}

const noDeadline = () => undefined;

describe('RetryAfterBackoff', () => {
  it("uses the inner backoff's duration when the failure has no Retry-After", () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), noDeadline);
    expect(backoff.next(failed(upstream())).duration).toBe(100);
  });

  it('uses retryAfter seconds as milliseconds when the failure has one', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), noDeadline);
    expect(backoff.next(failed(upstream(2))).duration).toBe(2000);
    expect(backoff.next(failed(upstream(7))).duration).toBe(7000);
  });

  it('a Retry-After of 0 means no wait, not the inner delay', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), noDeadline);
    expect(backoff.next(failed(upstream(0))).duration).toBe(0);
  });

  it('ignores retryAfter-like fields on errors that are not UpstreamErrors', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), noDeadline);
    expect(backoff.next(failed({ retryAfter: 9 })).duration).toBe(100);
    expect(backoff.next(failed(new Error('boom'))).duration).toBe(100);
  });

  it('uses the inner duration for a retried result value (no error)', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), noDeadline);
    expect(backoff.next({ attempt: 1, signal, result: { value: 'x' } }).duration).toBe(100);
  });

  it("passes the context's signal to remainingMs", () => {
    const remainingMs = vi.fn((_signal: AbortSignal) => undefined);
    const own = new AbortController().signal;
    new RetryAfterBackoff(doublingFactory(100), remainingMs).next({ attempt: 1, signal: own, result: { error: upstream() } });
    expect(remainingMs).toHaveBeenCalledWith(own);
  });

  it('clamps the inner delay to the remaining budget', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), () => 40);
    expect(backoff.next(failed(upstream())).duration).toBe(40);
  });

  it('clamps a Retry-After delay to the remaining budget', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), () => 500);
    expect(backoff.next(failed(upstream(2))).duration).toBe(500);
  });

  it('does not lengthen a delay shorter than the remaining budget', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), () => 10_000);
    expect(backoff.next(failed(upstream())).duration).toBe(100);
    expect(backoff.next(failed(upstream(3))).duration).toBe(3000);
  });

  it('is never negative once the budget is spent', () => {
    const backoff = new RetryAfterBackoff(doublingFactory(100), () => -250);
    expect(backoff.next(failed(upstream())).duration).toBe(0);
    expect(backoff.next(failed(upstream(2))).duration).toBe(0);
    expect(new RetryAfterBackoff(doublingFactory(100), () => 0).next(failed(upstream())).duration).toBe(0);
  });

  it('next() chains: the inner backoff advances and each step is wrapped again', () => {
    const inner = doublingFactory(100);
    const budget = { ms: 10_000 };
    const backoff = new RetryAfterBackoff(inner, () => budget.ms);

    const first = backoff.next(failed(upstream(), 1));
    expect(first.duration).toBe(100);

    const secondContext = failed(upstream(), 2);
    const second = first.next(secondContext);
    expect(second.duration).toBe(200);
    expect(inner.contexts.at(-1)).toBe(secondContext);

    // A Retry-After on a later failure replaces that step only...
    const third = second.next(failed(upstream(3), 3));
    expect(third.duration).toBe(3000);

    // ...while the inner backoff kept advancing underneath it.
    const fourth = third.next(failed(upstream(), 4));
    expect(fourth.duration).toBe(800);

    // The budget is read again at every step.
    budget.ms = 150;
    expect(fourth.next(failed(upstream(), 5)).duration).toBe(150);
    expect(fourth.next(failed(upstream(1), 5)).duration).toBe(150);
    expect(inner.contexts).toHaveLength(6);
  });
});
