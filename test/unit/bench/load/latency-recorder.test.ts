import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../../../bench/load/latency-recorder.js';

describe('LatencyRecorder', () => {
  it('summarises every recorded time: count, mean, nearest-rank percentiles and the maximum, in any order recorded', () => {
    const recorder = new LatencyRecorder();
    // 1…100 ms, shuffled: the order they arrived in does not matter.
    for (const ms of Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1)) recorder.record(ms);
    expect(recorder.summary()).toEqual({ count: 100, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('keeps fractions of a millisecond (a histogram of whole milliseconds could not)', () => {
    const recorder = new LatencyRecorder();
    for (const ms of [0.25, 0.5, 1.75, 2.125]) recorder.record(ms);
    expect(recorder.summary()).toEqual({ count: 4, mean: 1.15625, p50: 0.5, p95: 2.125, p99: 2.125, max: 2.125 });
  });

  it('grows past its first buffer without losing a value', () => {
    const recorder = new LatencyRecorder();
    const count = 40_000;
    for (let i = 1; i <= count; i += 1) recorder.record(i);
    expect(recorder.summary()).toEqual({ count, mean: (count + 1) / 2, p50: 20_000, p95: 38_000, p99: 39_600, max: count });
  });

  it('is NaN but for the count when nothing was recorded', () => {
    expect(new LatencyRecorder().summary()).toEqual({ count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN });
  });
});
