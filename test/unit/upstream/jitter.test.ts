import { describe, expect, it } from 'vitest';
import { backoffCeiling, createJitterBackoff, jitteredDelay, type JitterBackoffSettings, type JitterKind } from '../../../src/upstream/jitter.js';

const INITIAL = 50;
const MAX = 500;
const SAMPLES = 5000;

const settings = (jitter: JitterKind): JitterBackoffSettings => ({ initialDelayMs: INITIAL, maxDelayMs: MAX, jitter });

/** The first `count` delays of one logical call's backoff chain. */
function chain(jitter: JitterKind, count: number, random?: () => number): number[] {
  const delays: number[] = [];
  let backoff = createJitterBackoff<undefined>(settings(jitter), random).next(undefined);
  for (let i = 0; i < count; i++) {
    delays.push(backoff.duration);
    backoff = backoff.next(undefined);
  }
  return delays;
}

/** Draws `SAMPLES` delays for one attempt number (independent chains). */
function draws(jitter: JitterKind, attempt: number): number[] {
  return Array.from({ length: SAMPLES }, () => chain(jitter, attempt + 1)[attempt]!);
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('backoffCeiling: min(maxDelay, initial × 2^attempt)', () => {
  it('doubles from the initial delay and stops at the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((attempt) => backoffCeiling(attempt, INITIAL, MAX))).toEqual([50, 100, 200, 400, 500, 500, 500]);
  });

  it('never overflows: a huge attempt number is the maximum', () => {
    expect(backoffCeiling(5000, INITIAL, MAX)).toBe(MAX);
  });
});

describe('jitter strategies: every delay within its bounds', () => {
  for (const attempt of [0, 1, 2, 3, 4]) {
    const cap = backoffCeiling(attempt, INITIAL, MAX);

    it(`full, retry ${attempt + 1}: [0, ${cap}], spread over the whole range`, () => {
      const delays = draws('full', attempt);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(cap);
      // Uniform: the mean is cap/2, and both ends of the range are reached.
      expect(mean(delays)).toBeGreaterThan(cap * 0.45);
      expect(mean(delays)).toBeLessThan(cap * 0.55);
      expect(Math.min(...delays)).toBeLessThan(cap * 0.05);
      expect(Math.max(...delays)).toBeGreaterThan(cap * 0.95);
    });

    it(`equal, retry ${attempt + 1}: [${cap / 2}, ${cap}]`, () => {
      const delays = draws('equal', attempt);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(cap / 2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(cap);
      expect(mean(delays)).toBeGreaterThan(cap * 0.7);
      expect(mean(delays)).toBeLessThan(cap * 0.8);
    });

    it(`none, retry ${attempt + 1}: exactly ${cap}`, () => {
      expect(new Set(draws('none', attempt))).toEqual(new Set([cap]));
    });
  }

  it('decorrelated: each delay in [initial, min(max, previous × 3)], the first from [initial, 3 × initial]', () => {
    for (let run = 0; run < SAMPLES / 5; run++) {
      const delays = chain('decorrelated', 8);
      let previous = INITIAL;
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(INITIAL);
        expect(delay).toBeLessThanOrEqual(Math.min(MAX, previous * 3));
        previous = delay;
      }
    }
  });

  it('decorrelated reaches both ends of its range and the maximum', () => {
    expect(chain('decorrelated', 3, () => 0)).toEqual([INITIAL, INITIAL, INITIAL]);
    const top = () => 1 - Number.EPSILON;
    const highest = chain('decorrelated', 4, top);
    expect(highest[0]).toBeCloseTo(150, 6);
    expect(highest[1]).toBeCloseTo(450, 6);
    expect(highest[2]).toBeCloseTo(MAX, 6);
    expect(highest[3]).toBeCloseTo(MAX, 6);
  });

  it('the random source sets the position inside the bounds (0 → low end, ~1 → high end)', () => {
    const low = () => 0;
    const high = () => 1 - Number.EPSILON;
    expect(jitteredDelay(settings('full'), 2, INITIAL, low)).toBe(0);
    expect(jitteredDelay(settings('full'), 2, INITIAL, high)).toBeCloseTo(200, 6);
    expect(jitteredDelay(settings('equal'), 2, INITIAL, low)).toBe(100);
    expect(jitteredDelay(settings('equal'), 2, INITIAL, high)).toBeCloseTo(200, 6);
    expect(jitteredDelay(settings('none'), 2, INITIAL, low)).toBe(200);
  });

  it('each logical call starts its own chain at the first ceiling', () => {
    const factory = createJitterBackoff<undefined>(settings('none'));
    const first = factory.next(undefined);
    expect([first.duration, first.next(undefined).duration, first.next(undefined).next(undefined).duration]).toEqual([50, 100, 200]);
    expect(factory.next(undefined).duration).toBe(50);
  });

  it('a zero backoff (no delay configured) stays zero', () => {
    const zero = { initialDelayMs: 0, maxDelayMs: 0 };
    for (const jitter of ['full', 'equal', 'none'] as const) {
      expect(jitteredDelay({ ...zero, jitter }, 3, 0)).toBe(0);
    }
  });
});
