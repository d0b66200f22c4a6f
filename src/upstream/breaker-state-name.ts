import { CircuitState } from 'cockatiel';

/** A circuit breaker's state as logs, `/health/detailed` and metrics name it. */
export type BreakerStateName = 'closed' | 'open' | 'half_open' | 'isolated';

/** The one mapping from cockatiel's states to their names. */
export function breakerStateName(state: CircuitState): BreakerStateName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}
