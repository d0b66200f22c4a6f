import { systemClock, type Clock } from '../clock.js';
import type { BreakerWindow } from './breaker-window.js';

export interface SamplingWindowOptions {
  /** Opens when more than this fraction of the window's calls failed (cockatiel's SamplingBreaker: strictly more). */
  failureRate: number;
  /** Length of the window, in ms. */
  durationMs: number;
  /** Calls per second needed over the window before it may open; 0: no minimum. */
  minimumRps: number;
  /** Opens when at least this fraction of the window's calls were slow (Resilience4j: "equal or greater"). @default never */
  slowCallRate?: number;
  /** @default systemClock */
  now?: Clock;
}

interface Bucket {
  startedAt: number;
  total: number;
  failures: number;
  slow: number;
}

/**
 * The calls of the last `durationMs` (cockatiel's SamplingBreaker layout: at least 5
 * buckets, at most one second each). Unlike cockatiel 3.2.1, which advances one bucket
 * per call whatever the time elapsed, every bucket older than the window is emptied, so a
 * burst of failures minutes ago is not held against the backend today.
 */
export function createSamplingWindow(options: SamplingWindowOptions): BreakerWindow {
  const { failureRate, slowCallRate } = options;
  const now = options.now ?? systemClock;
  const count = Math.max(5, Math.ceil(options.durationMs / 1000));
  const bucketMs = Math.round(options.durationMs / count);
  const minimumCalls = ((bucketMs * count) / 1000) * options.minimumRps;
  const buckets: Bucket[] = Array.from({ length: count }, () => ({ startedAt: 0, total: 0, failures: 0, slow: 0 }));
  let current = 0;
  let total = 0;
  let failures = 0;
  let slow = 0;

  function empty(bucket: Bucket): void {
    total -= bucket.total;
    failures -= bucket.failures;
    slow -= bucket.slow;
    bucket.total = 0;
    bucket.failures = 0;
    bucket.slow = 0;
  }

  /** The bucket for a call made now, after emptying every bucket the window has moved past. */
  function bucketAt(now: number): Bucket {
    const bucket = buckets[current] as Bucket;
    const elapsed = Math.floor((now - bucket.startedAt) / bucketMs);
    if (elapsed < 1) return bucket;
    for (let step = 0; step < Math.min(elapsed, count); step++) {
      current = (current + 1) % count;
      empty(buckets[current] as Bucket);
    }
    const fresh = buckets[current] as Bucket;
    fresh.startedAt = now;
    return fresh;
  }

  return {
    record(sample) {
      const bucket = bucketAt(now());
      bucket.total += 1;
      total += 1;
      if (sample.failed) {
        bucket.failures += 1;
        failures += 1;
      }
      if (sample.slow) {
        bucket.slow += 1;
        slow += 1;
      }
      if ((!sample.failed && !sample.slow) || total < minimumCalls) return false;
      return failures > failureRate * total || (slowCallRate !== undefined && slow >= slowCallRate * total);
    },
    reset() {
      for (const bucket of buckets) {
        empty(bucket);
        bucket.startedAt = 0;
      }
    },
  };
}
