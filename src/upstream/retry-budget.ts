/** How many retries one backend may get, relative to its recent traffic. */
export interface RetryBudgetSettings {
  /** Retries allowed per first attempt of the window. @default 0.2 */
  ratio: number;
  /** Retries allowed per second of the window whatever the traffic, so quiet services still retry. @default 5 */
  minPerSecond: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetSettings = { ratio: 0.2, minPerSecond: 5 };

/** Length of the window "recent" means, and its resolution. */
export const RETRY_BUDGET_WINDOW_MS = 10_000;
export const RETRY_BUDGET_BUCKET_MS = 1_000;

/**
 * Retries are at most `ratio` × first attempts + `minPerSecond` × window seconds over a
 * sliding window, so retries never multiply an outage: with every call failing, a
 * backend sees ~1.2× its traffic instead of 3× (`maxRetries` 2).
 */
export interface RetryBudget {
  /** A logical call sent its first attempt. */
  recordFirstAttempt(): void;
  /** Whether one more retry fits in the budget; when it does, it is counted as spent. */
  tryRetry(): boolean;
}

export interface RetryBudgetOptions {
  /** @default RETRY_BUDGET_WINDOW_MS */
  windowMs?: number;
  /** @default RETRY_BUDGET_BUCKET_MS */
  bucketMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * A ring of per-second buckets of first attempts and retries, with running sums: each
 * call touches one bucket (plus, after a quiet spell, clears at most the ring's length),
 * and memory is two small arrays per backend whatever the traffic.
 */
export function createRetryBudget(settings: RetryBudgetSettings, options: RetryBudgetOptions = {}): RetryBudget {
  const bucketMs = options.bucketMs ?? RETRY_BUDGET_BUCKET_MS;
  const size = Math.max(1, Math.round((options.windowMs ?? RETRY_BUDGET_WINDOW_MS) / bucketMs));
  const now = options.now ?? Date.now;
  const reserve = settings.minPerSecond * ((size * bucketMs) / 1000);
  const firsts = new Float64Array(size);
  const retries = new Float64Array(size);
  let firstSum = 0;
  let retrySum = 0;
  let current = Math.floor(now() / bucketMs);

  /** Slides the window to the current bucket; returns its slot. */
  function advance(): number {
    const bucket = Math.floor(now() / bucketMs);
    // A clock stepping back keeps the current bucket rather than reopening old ones.
    if (bucket > current) {
      const expired = Math.min(bucket - current, size);
      for (let i = 1; i <= expired; i++) {
        const slot = (current + i) % size;
        firstSum -= firsts[slot]!;
        retrySum -= retries[slot]!;
        firsts[slot] = 0;
        retries[slot] = 0;
      }
      current = bucket;
    }
    return current % size;
  }

  return {
    recordFirstAttempt() {
      const slot = advance();
      firsts[slot]! += 1;
      firstSum += 1;
    },
    tryRetry() {
      const slot = advance();
      if (retrySum + 1 > settings.ratio * firstSum + reserve) return false;
      retries[slot]! += 1;
      retrySum += 1;
      return true;
    },
  };
}
