/**
 * A clock for the gateway under test that runs with real time and can be moved ahead:
 * `advance(ms)` makes everything that compares times (cache freshness, breakers,
 * limiters, tokens) see `ms` more, without the test waiting. Real time keeps flowing, so
 * timers (deadlines, backoffs) and the times derived from this clock stay consistent.
 */
export interface MovableClock {
  readonly now: () => number;
  advance(ms: number): void;
}

export function createMovableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}
