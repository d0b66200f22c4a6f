import { createConsecutiveWindow } from './consecutive-window.js';
import { createCountWindow } from './count-window.js';
import { createSamplingWindow } from './sampling-window.js';
import type { BreakerSettings } from './service-settings.js';

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

/** The window of a breaker kind (GATEWAY_CONFIG `services.<name>.breaker`). */
export function createBreakerWindow(settings: BreakerSettings): BreakerWindow {
  switch (settings.kind) {
    case 'consecutive':
      return createConsecutiveWindow(settings.threshold);
    case 'count':
      return createCountWindow({
        failureRate: settings.failureRate,
        size: settings.windowSize,
        minimumCalls: settings.minimumCalls,
        slowCallRate: settings.slowCallRate,
      });
    case 'sampling':
      return createSamplingWindow({
        failureRate: settings.failureRate,
        durationMs: settings.windowMs,
        minimumRps: settings.minimumRps,
        slowCallRate: settings.slowCallRate,
      });
  }
}
