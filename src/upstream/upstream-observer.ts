import type { UpstreamErrorKind } from './upstream-error.js';

/** One HTTP attempt to a backend, as the HTTP client saw it. */
export interface AttemptEvent {
  service: string;
  /** success: 2xx or an expected answer (404, 409 …); failure: anything the client threw. */
  outcome: 'success' | 'failure';
  /** HTTP status when the backend answered. */
  status?: number;
  /** Failure kind when it did not answer as expected. */
  kind?: UpstreamErrorKind;
  /** The caller gave up (deadline, client gone): not the backend's failure. */
  cancelled?: boolean;
  durationMs: number;
}

/**
 * What metrics and health tracking want to know about backend traffic. Every hook is
 * optional and called synchronously on the hot path: keep implementations cheap.
 */
export interface UpstreamObserver {
  attempt?(event: AttemptEvent): void;
  /** A DataLoader batch of `size` ids went to `service`. */
  batch?(service: string, size: number): void;
}

/** One observer that tells each of `observers`, skipping the hooks they lack. */
export function combineObservers(...observers: (UpstreamObserver | undefined)[]): UpstreamObserver {
  const present = observers.filter((observer): observer is UpstreamObserver => observer !== undefined);
  const attempts = present.flatMap((observer) => (observer.attempt === undefined ? [] : [observer.attempt.bind(observer)]));
  const batches = present.flatMap((observer) => (observer.batch === undefined ? [] : [observer.batch.bind(observer)]));
  return {
    attempt: (event) => {
      for (const attempt of attempts) attempt(event);
    },
    batch: (service, size) => {
      for (const batch of batches) batch(service, size);
    },
  };
}
