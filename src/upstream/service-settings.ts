import type { CacheTtl } from '../cache/cache-settings.js';
import type { JitterKind } from './jitter.js';
import type { RetryBudgetSettings } from './retry-budget.js';

/** How a service's circuit breaker decides to open. */
export type BreakerSettings =
  | {
      /** Opens after `threshold` failures in a row. */
      kind: 'consecutive';
      threshold: number;
    }
  | {
      /** Opens when `failureRate` of the last `windowSize` calls failed, once `minimumCalls` were made. */
      kind: 'count';
      failureRate: number;
      windowSize: number;
      minimumCalls: number;
    }
  | {
      /** Opens when `failureRate` of the calls of the last `windowMs` failed, at ≥ `minimumRps` calls per second. */
      kind: 'sampling';
      failureRate: number;
      windowMs: number;
      minimumRps: number;
    };

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
