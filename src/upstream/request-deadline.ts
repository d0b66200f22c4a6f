import { systemClock, type Clock } from '../clock.js';
import { setMaxListeners } from 'node:events';

/** The time budget of one GraphQL request, shared by all its backend calls. */
export interface RequestDeadline {
  /** Aborts when the budget is spent or the client went away. */
  readonly signal: AbortSignal;
  /** `Date.now()` value at which the budget is spent. */
  readonly deadlineAt: number;
  /** Ends the budget now (the client went away): every call of the request stops. */
  cancel(reason: unknown): void;
  /** Clears the timer once the request is answered. */
  dispose(): void;
}

class DeadlineExceededError extends Error {
  override name = 'TimeoutError';
}

/**
 * One timer per request (not per call): every retry and backoff of every backend
 * call of the request stops when it fires, so retries never outlive the client.
 */
export function createRequestDeadline(budgetMs: number, parent?: AbortSignal, now: Clock = systemClock): RequestDeadline {
  const controller = new AbortController();
  // Every backend attempt of the request listens to this signal: a query may well make
  // more than Node's default of 10 at once, which is not a leak.
  setMaxListeners(1000, controller.signal);
  const deadlineAt = now() + budgetMs;
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(`request deadline of ${budgetMs} ms passed`)), budgetMs);
  timer.unref();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent !== undefined) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', onParentAbort, { once: true });
  }
  return {
    signal: controller.signal,
    deadlineAt,
    cancel(reason) {
      controller.abort(reason);
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
