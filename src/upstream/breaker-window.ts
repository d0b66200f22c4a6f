/** One finished call as a closed breaker counts it. */
export interface CallSample {
  /** The call failed in a way that says the backend is unhealthy (5xx, network, timeout, bad body). */
  failed: boolean;
  /** The call took longer than the breaker's `slowCallMs` (it may still have succeeded). */
  slow: boolean;
}

/**
 * What a closed breaker remembers of recent calls, and when that says "open". Calls the
 * breaker does not count (4xx answers, cancelled calls) are never recorded.
 */
export interface BreakerWindow {
  /**
   * Records one call. Returns true when the breaker should open now: only ever for a
   * failed or slow call, so a success never opens the breaker (as in cockatiel).
   */
  record(sample: CallSample): boolean;
  /** Forgets every call: the breaker closed again and starts from a clean slate. */
  reset(): void;
}
