import type { BreakerWindow } from './breaker-window.js';

export interface CountWindowOptions {
  /** Opens when more than this fraction of the window's calls failed (cockatiel's CountBreaker: strictly more). */
  failureRate: number;
  /** Calls the window holds: the last `size` calls. */
  size: number;
  /** Calls needed in the window before it may open. @default size */
  minimumCalls?: number;
  /** Opens when at least this fraction of the window's calls were slow (Resilience4j: "equal or greater"). @default never */
  slowCallRate?: number;
}

const PRESENT = 1;
const FAILED = 2;
const SLOW = 4;

/**
 * The last `size` calls (Resilience4j's count-based sliding window): failures and slow
 * calls are counted over the same samples, once `minimumCalls` were made.
 */
export function createCountWindow(options: CountWindowOptions): BreakerWindow {
  const { failureRate, size, slowCallRate } = options;
  const minimumCalls = options.minimumCalls ?? size;
  // One byte per call, flags PRESENT | FAILED | SLOW: no allocation per call.
  const samples = new Uint8Array(size);
  let next = 0;
  let total = 0;
  let failures = 0;
  let slow = 0;

  return {
    record(sample) {
      const evicted = samples[next] ?? 0;
      if ((evicted & PRESENT) !== 0) {
        total -= 1;
        if ((evicted & FAILED) !== 0) failures -= 1;
        if ((evicted & SLOW) !== 0) slow -= 1;
      }
      samples[next] = PRESENT | (sample.failed ? FAILED : 0) | (sample.slow ? SLOW : 0);
      next = (next + 1) % size;
      total += 1;
      if (sample.failed) failures += 1;
      if (sample.slow) slow += 1;
      if ((!sample.failed && !sample.slow) || total < minimumCalls) return false;
      return failures > failureRate * total || (slowCallRate !== undefined && slow >= slowCallRate * total);
    },
    reset() {
      samples.fill(0);
      next = 0;
      total = 0;
      failures = 0;
      slow = 0;
    },
  };
}
