import { systemClock, type Clock } from '../clock.js';
import { breakerStateName, type BreakerStateName } from './breaker-state-name.js';
import {
  BulkheadPolicy,
  CircuitState,
  type IPolicy,
  type RetryPolicy,
  bulkhead,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  retry,
  wrap,
} from 'cockatiel';
import type { Logger } from '../observability/create-logger.js';
import { createBreakerWindow } from './create-breaker-window.js';
import { createCircuitBreaker, type CircuitBreaker } from './create-circuit-breaker.js';
import { isBreakerFailure, isRetryableFailure } from './failure-classification.js';
import { createJitterBackoff, DEFAULT_JITTER } from './jitter.js';
import { RetryAfterBackoff } from './retry-after-backoff.js';
import { createRetryBudget, DEFAULT_RETRY_BUDGET } from './retry-budget.js';
import type { ServiceSettings } from './service-settings.js';
import { isUpstreamError, UpstreamError } from './upstream-error.js';

export type { BreakerStateName } from './breaker-state-name.js';

export interface PolicyCall {
  /** The request's abort signal (deadline, client gone). */
  signal?: AbortSignal;
  /** `Date.now()` value by which the request must be answered. */
  deadlineAt?: number;
  /** Safe to send twice: GETs, and writes that carry an idempotency key. */
  idempotent: boolean;
  /** The request's logger (carries its request id); retries are logged there. */
  logger?: Logger;
}

export type RejectionKind = 'circuit_open' | 'bulkhead_full';

/**
 * The resilience policy of one backend, built once at start-up:
 * bulkhead → retry → circuit breaker → attempt (whose timeout lives in the HTTP
 * client, inside the breaker, so a hanging half-open trial still ends on time).
 */
export interface ServicePolicy {
  readonly service: string;
  /**
   * Runs one logical call. Rejects with an `UpstreamError` only: `circuit_open`
   * and `bulkhead_full` when the policy refused to call, else the last attempt's failure.
   */
  execute<T>(attempt: () => Promise<T>, call: PolicyCall): Promise<T>;
  breakerState(): BreakerStateName;
  /** Failures the breaker counted since the last success. */
  consecutiveFailures(): number;
  /** Calls refused without touching the network. Returns a disposable, like cockatiel's events. */
  onRejected(listener: (kind: RejectionKind) => void): { dispose(): void };
  /** Whole seconds until an open breaker lets a trial call through; null when not open. */
  secondsUntilHalfOpen(): number | null;
  /** A retry the retry budget refused (the call failed with its last failure instead). */
  onRetryBudgetExhausted(listener: () => void): { dispose(): void };
  /** The policies, for observers (metrics, logs) to subscribe to their events (cockatiel's, and a breaker with cockatiel's interface). */
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  readonly bulkhead: BulkheadPolicy;
}

export interface ServicePolicyDeps {
  logger: Logger;
  /** Clock of the breaker, its window, the retry budget and deadline checks. @default systemClock */
  now?: Clock;
}

/** Builds the cockatiel policies of one backend from its settings. */
export function createServicePolicy(service: string, settings: ServiceSettings, deps: ServicePolicyDeps): ServicePolicy {
  const { logger } = deps;
  const now = deps.now ?? systemClock;
  // cockatiel hands the backoff only the call's signal: this finds the call's deadline
  // from it, so no backoff sleeps past it.
  const deadlines = new WeakMap<AbortSignal, number>();
  // Failures not retried although retryable: the retry budget is spent, the deadline
  // passed, or their Retry-After is past the request's deadline (waiting is pointless).
  const notRetried = new WeakSet<object>();
  const retryBudget = createRetryBudget(settings.retry.budget ?? DEFAULT_RETRY_BUDGET, { now });
  const budgetListeners = new Set<() => void>();

  const breaker = createCircuitBreaker({
    isFailure: isBreakerFailure,
    // A half-open trial that ends without a verdict (cancelled by the request) proves
    // nothing: it fails the trial rather than closing the circuit as a 4xx answer does.
    isTrialFailure: (error) => isBreakerFailure(error) || isCancelled(error),
    window: createBreakerWindow(settings.breaker, now),
    now,
    halfOpenAfterMs: settings.halfOpenAfterMs,
    halfOpenCalls: settings.breaker.halfOpenCalls,
    successThreshold: settings.breaker.successThreshold,
    slowCallMs: settings.breaker.kind === 'consecutive' ? undefined : settings.breaker.slowCallMs,
  });
  const retryPolicy = retry(
    handleWhen((error) => isRetryableFailure(error) && !notRetried.has(error)),
    {
      maxAttempts: settings.retry.maxRetries,
      backoff: new RetryAfterBackoff(
        createJitterBackoff({
          initialDelayMs: settings.retry.initialDelayMs,
          maxDelayMs: settings.retry.maxDelayMs,
          jitter: settings.retry.jitter ?? DEFAULT_JITTER,
        }),
        (signal) => {
          const deadlineAt = deadlines.get(signal);
          return deadlineAt === undefined ? undefined : deadlineAt - now();
        },
      ),
    },
  );
  const bulkheadPolicy = bulkhead(settings.bulkhead.maxConcurrent, settings.bulkhead.maxQueue);
  const withRetry: IPolicy = wrap(bulkheadPolicy, retryPolicy, breaker);
  const withoutRetry: IPolicy = wrap(bulkheadPolicy, breaker);

  let consecutive = 0;
  breaker.onSuccess(() => {
    consecutive = 0;
  });
  breaker.onFailure(({ handled }) => {
    if (handled) consecutive += 1;
  });

  breaker.onStateChange((state) => {
    logger.warn({ service, state: breakerStateName(state) }, `circuit breaker ${breakerStateName(state)}`);
  });
  function secondsUntilHalfOpen(): number | null {
    const halfOpenAt = breaker.halfOpenAt();
    return halfOpenAt === null ? null : Math.max(1, Math.ceil((halfOpenAt - now()) / 1000));
  }

  const rejectionListeners = new Set<(kind: RejectionKind) => void>();
  const rejected = (error: UpstreamError): UpstreamError => {
    for (const listener of rejectionListeners) listener(error.kind as RejectionKind);
    return error;
  };
  /** A call the request ended (deadline, client gone): not the backend's failure, never counted. */
  const cancelledCall = (): UpstreamError =>
    new UpstreamError({ kind: 'timeout', service, cancelled: true, message: `${service} call cancelled: the request is over` });
  /** The answer to a call the breaker does not let through. */
  const circuitRefusal = (): UpstreamError =>
    rejected(
      breaker.state === CircuitState.HalfOpen
        ? new UpstreamError({
            kind: 'circuit_open',
            service,
            // A trial slot frees when a trial ends: within one attempt timeout.
            retryAfter: Math.max(1, Math.ceil(settings.timeoutMs / 1000)),
            message: `${service} circuit is half-open: its trial calls are in flight`,
          })
        : new UpstreamError({
            kind: 'circuit_open',
            service,
            retryAfter: secondsUntilHalfOpen() ?? Math.ceil(settings.halfOpenAfterMs / 1000),
            message: `${service} circuit is open`,
          }),
    );

  function toUpstreamError(error: unknown): unknown {
    if (isUpstreamError(error)) {
      const untilHalfOpen = secondsUntilHalfOpen();
      return untilHalfOpen !== null && !error.cancelled ? error.with({ retryAfter: Math.max(error.retryAfter ?? 0, untilHalfOpen) }) : error;
    }
    if (isBrokenCircuitError(error)) return circuitRefusal();
    if (isBulkheadRejectedError(error)) {
      return rejected(new UpstreamError({ kind: 'bulkhead_full', service, retryAfter: 1, message: `${service} has too many calls in flight` }));
    }
    // cockatiel 3.2.1's isTaskCancelledError() tests the bulkhead flag: read the flag itself.
    if ((error as { isTaskCancelledError?: unknown } | null)?.isTaskCancelledError === true) {
      return cancelledCall();
    }
    return error;
  }

  return {
    service,
    breaker,
    retry: retryPolicy,
    bulkhead: bulkheadPolicy,
    breakerState: () => breakerStateName(breaker.state),
    consecutiveFailures: () => consecutive,
    onRejected(listener) {
      rejectionListeners.add(listener);
      return { dispose: () => rejectionListeners.delete(listener) };
    },
    secondsUntilHalfOpen,
    onRetryBudgetExhausted(listener) {
      budgetListeners.add(listener);
      return { dispose: () => budgetListeners.delete(listener) };
    },

    async execute<T>(attempt: () => Promise<T>, call: PolicyCall): Promise<T> {
      // Open and not yet due, or half-open with every trial slot taken: refuse here, at
      // once, before the bulkhead queues the call and the retry wrapper runs it (a phone is
      // better served by an immediate answer than by waiting on someone else's trial).
      if (!breaker.isCallPermitted()) throw circuitRefusal();
      const { signal, deadlineAt } = call;
      if (signal !== undefined && deadlineAt !== undefined) deadlines.set(signal, deadlineAt);
      // The last real failure: what the caller gets if the deadline cuts the retries short.
      let lastFailure: unknown;
      let lastFailureAt = 0;
      let attempts = 0;
      const guarded = async () => {
        // cockatiel's retry sleeps, then attempts again without looking at the signal; and
        // the deadline's timer may fire late: no attempt starts once the deadline is past.
        if (signal?.aborted === true || (deadlineAt !== undefined && now() >= deadlineAt)) {
          throw cancelledCall();
        }
        attempts += 1;
        if (attempts === 1) retryBudget.recordFirstAttempt();
        if (attempts > 1) {
          (call.logger ?? logger).warn(
            {
              service,
              attempt: attempts - 1,
              delayMs: Math.round(now() - lastFailureAt),
              reason: isUpstreamError(lastFailure) ? lastFailure.kind : 'unknown',
              status: isUpstreamError(lastFailure) ? lastFailure.status : undefined,
            },
            'retrying upstream call',
          );
        }
        try {
          return await attempt();
        } catch (error) {
          if (
            isUpstreamError(error) &&
            error.retryAfter !== undefined &&
            deadlineAt !== undefined &&
            now() + error.retryAfter * 1000 >= deadlineAt
          ) {
            notRetried.add(error);
          }
          // Decided here, where the attempt count is known: cockatiel's filter also sees
          // the last attempt's failure, which must not spend the budget.
          // (cockatiel itself gives up once the signal is aborted.)
          const wouldRetry =
            call.idempotent && attempts <= settings.retry.maxRetries && isUpstreamError(error) && isRetryableFailure(error) && !notRetried.has(error);
          if (wouldRetry) {
            if (deadlineAt !== undefined && now() >= deadlineAt) {
              notRetried.add(error);
            } else if (!retryBudget.tryRetry()) {
              notRetried.add(error);
              for (const listener of budgetListeners) listener();
            }
          }
          if (!isCancelled(error)) {
            lastFailure = error;
            lastFailureAt = now();
          }
          throw error;
        }
      };
      try {
        return (await (call.idempotent ? withRetry : withoutRetry).execute(guarded, signal)) as T;
      } catch (error) {
        throw toUpstreamError(isCancelled(error) && lastFailure !== undefined ? lastFailure : error);
      }
    },
  };
}

// Private:

function isCancelled(error: unknown): boolean {
  return isUpstreamError(error) && error.cancelled;
}

