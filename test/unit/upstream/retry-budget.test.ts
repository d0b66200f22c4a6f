import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryBudget, type RetryBudget } from '../../../src/upstream/retry-budget.js';

const START = Date.UTC(2024, 0, 1, 12, 0, 0);

/** How many retries in a row the budget grants right now (each one spends it). */
function grantable(budget: RetryBudget, limit = 100_000): number {
  let granted = 0;
  while (granted < limit && budget.tryRetry()) granted += 1;
  return granted;
}

function firstAttempts(budget: RetryBudget, count: number): void {
  for (let i = 0; i < count; i++) budget.recordFirstAttempt();
}

describe('retry budget: ratio × recent first attempts + minPerSecond × window', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => vi.useRealTimers());

  it('with no traffic, grants the reserve: minPerSecond × 10 s', () => {
    expect(grantable(createRetryBudget({ ratio: 0.2, minPerSecond: 5 }))).toBe(50);
  });

  it('grants ratio × first attempts on top of the reserve', () => {
    const budget = createRetryBudget({ ratio: 0.2, minPerSecond: 5 });
    firstAttempts(budget, 200);
    expect(grantable(budget)).toBe(40 + 50);
  });

  it('ratio 0 and no reserve: no retry at all; ratio 1: one retry per first attempt', () => {
    const none = createRetryBudget({ ratio: 0, minPerSecond: 0 });
    firstAttempts(none, 100);
    expect(none.tryRetry()).toBe(false);
    const all = createRetryBudget({ ratio: 1, minPerSecond: 0 });
    firstAttempts(all, 7);
    expect(grantable(all)).toBe(7);
  });

  it('a refused retry costs nothing: the budget grows back with new first attempts', () => {
    const budget = createRetryBudget({ ratio: 0.5, minPerSecond: 0 });
    firstAttempts(budget, 2);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    expect(budget.tryRetry()).toBe(false);
    firstAttempts(budget, 2);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });

  it('slides: first attempts and retries older than the window stop counting, second by second', () => {
    const budget = createRetryBudget({ ratio: 0.5, minPerSecond: 0 });
    firstAttempts(budget, 10); // at 0 s
    vi.advanceTimersByTime(5_000);
    firstAttempts(budget, 10); // at 5 s
    expect(grantable(budget)).toBe(10);

    // At 10 s the first bucket has left the window: 10 first attempts remain (5 retries'
    // worth), but the 10 retries spent at 5 s are still in it.
    vi.advanceTimersByTime(5_000);
    expect(budget.tryRetry()).toBe(false);

    // At 15 s everything is gone, retries included: the budget is back to new traffic only.
    vi.advanceTimersByTime(5_000);
    expect(budget.tryRetry()).toBe(false);
    firstAttempts(budget, 4);
    expect(grantable(budget)).toBe(2);
  });

  it('spent retries leave the window too, freeing the reserve again', () => {
    const budget = createRetryBudget({ ratio: 0, minPerSecond: 1 });
    expect(grantable(budget)).toBe(10);
    vi.advanceTimersByTime(9_999);
    expect(budget.tryRetry()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(grantable(budget)).toBe(10);
  });

  it('in a long outage, retries in any 10 s stay within 20 % of its first attempts plus the reserve', () => {
    const budget = createRetryBudget({ ratio: 0.2, minPerSecond: 5 });
    const firstAt: number[] = [];
    const retryAt: number[] = [];
    // 60 s of 100 failing calls per second, each wanting 2 retries.
    for (let tick = 1; tick <= 60 * 100; tick++) {
      vi.advanceTimersByTime(10);
      budget.recordFirstAttempt();
      firstAt.push(Date.now());
      for (let retry = 0; retry < 2; retry++) if (budget.tryRetry()) retryAt.push(Date.now());
      if (tick % 100 === 0) {
        // The budget's window is 9 to 10 s long (whole buckets): compare the last 9 s of
        // retries with the last 10 s of first attempts.
        const now = Date.now();
        const recentRetries = retryAt.filter((at) => at > now - 9_000).length;
        const recentFirsts = firstAt.filter((at) => at > now - 10_000).length;
        expect(recentRetries).toBeLessThanOrEqual(0.2 * recentFirsts + 50);
      }
    }
    // Not starved either: at least the ratio of all traffic was retried.
    expect(retryAt.length).toBeGreaterThanOrEqual(0.2 * firstAt.length);
    expect(retryAt.length).toBeLessThan(0.4 * firstAt.length);
  });

  it('a clock stepping back does not reopen old buckets or break the sums', () => {
    const budget = createRetryBudget({ ratio: 1, minPerSecond: 0 });
    firstAttempts(budget, 3);
    vi.setSystemTime(START - 60_000);
    firstAttempts(budget, 1);
    expect(grantable(budget)).toBe(4);
    vi.setSystemTime(START + 10_000);
    expect(budget.tryRetry()).toBe(false);
  });

  it('a quiet spell much longer than the window clears it in one step', () => {
    const budget = createRetryBudget({ ratio: 1, minPerSecond: 0 });
    firstAttempts(budget, 5);
    vi.advanceTimersByTime(24 * 3600_000);
    expect(budget.tryRetry()).toBe(false);
    firstAttempts(budget, 1);
    expect(grantable(budget)).toBe(1);
  });
});
