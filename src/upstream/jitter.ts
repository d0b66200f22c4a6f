import type { IBackoff, IBackoffFactory } from 'cockatiel';

/**
 * How a retry's delay is drawn from its exponential ceiling (AWS, "Exponential Backoff
 * And Jitter"): `full` uniform in [0, cap]; `equal` uniform in [cap/2, cap];
 * `decorrelated` uniform in [initial, min(max, 3 × previous delay)]; `none` exactly cap.
 */
export type JitterKind = (typeof JITTER_KINDS)[number];

export const JITTER_KINDS = ['full', 'equal', 'decorrelated', 'none'] as const;

/** Full jitter spreads retries the most (fewest collisions in lockstep) for the least total wait. */
export const DEFAULT_JITTER: JitterKind = 'full';

export interface JitterBackoffSettings {
  /** Ceiling of the first retry's delay; each retry doubles it. */
  initialDelayMs: number;
  /** Largest ceiling (and largest decorrelated delay). */
  maxDelayMs: number;
  jitter: JitterKind;
}

/** The ceiling of the delay before retry number `attempt + 1`: min(maxDelay, initial × 2^attempt). */
export function backoffCeiling(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
}

/**
 * One delay in milliseconds. `attempt` counts from 0 (the delay before the first retry);
 * `previousMs` is the delay drawn before (the initial delay for the first one), which only
 * `decorrelated` uses. `random` returns a number in [0, 1), like `Math.random`.
 */
export function jitteredDelay(
  settings: JitterBackoffSettings,
  attempt: number,
  previousMs: number,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs } = settings;
  switch (settings.jitter) {
    case 'none':
      return backoffCeiling(attempt, initialDelayMs, maxDelayMs);
    case 'full':
      return random() * backoffCeiling(attempt, initialDelayMs, maxDelayMs);
    case 'equal': {
      const cap = backoffCeiling(attempt, initialDelayMs, maxDelayMs);
      return cap / 2 + (random() * cap) / 2;
    }
    case 'decorrelated': {
      // Grows from the previous delay rather than from the attempt number, so two clients
      // that failed together drift apart. previous ≥ initial, hence upper ≥ initial.
      const upper = Math.min(maxDelayMs, previousMs * 3);
      return initialDelayMs + random() * Math.max(0, upper - initialDelayMs);
    }
  }
}

/**
 * cockatiel's backoff for one logical call: an immutable chain of delays drawn with
 * `jitteredDelay`. (cockatiel's own `decorrelatedJitterGenerator` is Polly's formula,
 * not the bounded one operators find in the AWS article, hence this.)
 */
export function createJitterBackoff<T>(settings: JitterBackoffSettings, random: () => number = Math.random): IBackoffFactory<T> {
  const step = (attempt: number, previousMs: number): IBackoff<T> => {
    const duration = jitteredDelay(settings, attempt, previousMs, random);
    return { duration, next: () => step(attempt + 1, duration) };
  };
  return { next: () => step(0, settings.initialDelayMs) };
}
