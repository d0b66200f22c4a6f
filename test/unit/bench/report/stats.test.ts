import { describe, expect, it } from 'vitest';
import { earlyLateMedians, median, percentile, round } from '../../../../bench/report/stats.js';

describe('percentile (nearest rank)', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('takes the value at rank ⌈p/100 · n⌉', () => {
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 95)).toBe(10);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 10)).toBe(1);
    expect(percentile(sorted, 11)).toBe(2);
  });

  it('clamps to the ends and is NaN when empty', () => {
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
    expect(percentile(Float64Array.from([3]), 99)).toBe(3);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('skips values that are not finite, and is NaN without any', () => {
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY, 1])).toBe(3);
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('earlyLateMedians', () => {
  it('takes the median of the first and of the last 10 % in send order', () => {
    // 20 requests: the first 2 and the last 2 count.
    const bySend = [1, 3, ...Array.from({ length: 16 }, () => 100), 10, 30];
    expect(earlyLateMedians(bySend)).toEqual({ early: 2, late: 20 });
  });

  it('rounds the share up to at least one request', () => {
    expect(earlyLateMedians([5, 7, 9])).toEqual({ early: 5, late: 9 });
    expect(earlyLateMedians([4])).toEqual({ early: 4, late: 4 });
    expect(earlyLateMedians(Array.from({ length: 25 }, (_, i) => i), 0.1)).toEqual({ early: 1, late: 23 });
  });

  it('skips requests without an answer (NaN)', () => {
    const bySend = Float64Array.from([Number.NaN, 2, 4, 6, 8, 10, 12, 14, 16, Number.NaN]);
    expect(earlyLateMedians(bySend, 0.2)).toEqual({ early: 2, late: 16 });
    expect(earlyLateMedians([Number.NaN, 1, Number.NaN], 0.3)).toEqual({ early: Number.NaN, late: Number.NaN });
  });

  it('is NaN without requests and refuses a share outside (0, 0.5]', () => {
    expect(earlyLateMedians([])).toEqual({ early: Number.NaN, late: Number.NaN });
    expect(() => earlyLateMedians([1, 2], 0)).toThrow(RangeError);
    expect(() => earlyLateMedians([1, 2], 0.6)).toThrow(RangeError);
  });
});

describe('round', () => {
  it('rounds to the given digits and leaves non-finite values alone', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.23456, 1)).toBe(1.2);
    expect(round(Number.NaN)).toBeNaN();
  });
});
