import type { CacheTtl } from '../cache/cache-settings.js';
import type { JitterKind } from './jitter.js';
import type { RetryBudgetSettings } from './retry-budget.js';

/**
 * How a half-open breaker tests the backend (every kind), as Resilience4j's
 * `permittedNumberOfCallsInHalfOpenState` and the usual runbooks' success threshold.
 */
export interface BreakerTrialSettings {
  /** Trial calls let through at once while half-open; callers beyond them get SERVICE_UNAVAILABLE at once. @default 1 */
  halfOpenCalls?: number;
  /** Successful trials needed to close; one failed trial opens the breaker again. @default 1 */
  successThreshold?: number;
}

/** Slow calls that count against the backend (`count` and `sampling` kinds); set both or neither. */
export interface SlowCallSettings {
  /** A call that takes longer than this is slow. It still returns its data; it counts as slow in the window. */
  slowCallMs?: number;
  /** Opens when at least this fraction of the window's calls were slow. */
  slowCallRate?: number;
}

/** How a service's circuit breaker decides to open. */
export type BreakerSettings =
  | ({
      /** Opens after `threshold` failures in a row. */
      kind: 'consecutive';
      threshold: number;
    } & BreakerTrialSettings)
  | ({
      /** Opens when more than `failureRate` of the last `windowSize` calls failed, once `minimumCalls` were made. */
      kind: 'count';
      failureRate: number;
      windowSize: number;
      minimumCalls: number;
    } & BreakerTrialSettings &
      SlowCallSettings)
  | ({
      /** Opens when more than `failureRate` of the calls of the last `windowMs` failed, at ≥ `minimumRps` calls per second (0: no minimum). */
      kind: 'sampling';
      failureRate: number;
      windowMs: number;
      minimumRps: number;
    } & BreakerTrialSettings &
      SlowCallSettings);

export interface RetrySettings {
  /** Retries after the first attempt. @default UPSTREAM_MAX_RETRIES (2) */
  maxRetries: number;
  /** First backoff ceiling; each retry doubles it (full jitter: a random delay below the ceiling). @default 50 */
  initialDelayMs: number;
  /** Largest backoff ceiling. @default 500 */
  maxDelayMs: number;
  /** How a delay is drawn below its ceiling (GATEWAY_CONFIG `retry.jitter`). @default DEFAULT_JITTER ('full') */
  jitter?: JitterKind;
  /** Retries allowed relative to recent first attempts (GATEWAY_CONFIG `retryBudget`). @default DEFAULT_RETRY_BUDGET */
  budget?: RetryBudgetSettings;
}

export interface BulkheadSettings {
  /** Calls in flight at once to this backend. @default 64 */
  maxConcurrent: number;
  /** Calls waiting for a slot; beyond that, SERVICE_UNAVAILABLE at once. @default 256 */
  maxQueue: number;
}

/** Everything the gateway knows about calling one backend. */
export interface ServiceSettings {
  /** Backend base URL. */
  url: string;
  /** Per-attempt timeout in milliseconds. @default UPSTREAM_TIMEOUT_MS (1000) */
  timeoutMs: number;
  /** Most ids sent in one batch call; DataLoader splits larger batches. */
  maxBatchSize: number;
  /** Keep-alive sockets to the backend. */
  connections: number;
  retry: RetrySettings;
  breaker: BreakerSettings;
  /** How long an open breaker rejects calls before letting a trial through. @default BREAKER_HALF_OPEN_AFTER_MS (30000) */
  halfOpenAfterMs: number;
  bulkhead: BulkheadSettings;
  /** How long this backend's entities are served from the cache. */
  cache: CacheTtl;
}
