import type { BreakerWindow } from './breaker-window.js';

/** Opens after `threshold` failed calls in a row; a success starts the count over (cockatiel's ConsecutiveBreaker). */
export function createConsecutiveWindow(threshold: number): BreakerWindow {
  let failures = 0;
  return {
    record({ failed }) {
      if (!failed) {
        failures = 0;
        return false;
      }
      failures += 1;
      return failures >= threshold;
    },
    reset() {
      failures = 0;
    },
  };
}
