import type { UpstreamErrorKind } from '../upstream/upstream-error.js';
import type { AttemptEvent, UpstreamObserver } from '../upstream/upstream-observer.js';

export interface ServiceHealthSnapshot {
  /** Duration of the last attempt, in ms (null before the first call). */
  lastLatencyMs: number | null;
  /** Kind of the last failed attempt (null when none failed yet). */
  lastErrorKind: UpstreamErrorKind | 'http_4xx' | 'http_5xx' | null;
  /** When the last failure happened (ISO-8601). */
  lastErrorAt: string | null;
}

/**
 * What `/health/detailed` says of each backend, taken from real traffic: probes
 * never call the backends themselves.
 */
/** Per-backend health from real traffic (an observer of every call), for /health/detailed. */
export type ServiceHealth = UpstreamObserver & { snapshot(service: string): ServiceHealthSnapshot };

export function createServiceHealth(services: readonly string[]): ServiceHealth {
  const state = new Map<string, ServiceHealthSnapshot>(
    services.map((service) => [service, { lastLatencyMs: null, lastErrorKind: null, lastErrorAt: null }]),
  );
  return {
    attempt(event: AttemptEvent) {
      const entry = state.get(event.service);
      if (entry === undefined) return;
      entry.lastLatencyMs = Math.round(event.durationMs * 10) / 10;
      if (event.outcome === 'failure' && event.cancelled !== true) {
        entry.lastErrorKind =
          event.kind === 'status' ? ((event.status ?? 500) >= 500 ? 'http_5xx' : 'http_4xx') : (event.kind ?? null);
        entry.lastErrorAt = new Date().toISOString();
      }
    },
    snapshot(service) {
      return { ...(state.get(service) ?? { lastLatencyMs: null, lastErrorKind: null, lastErrorAt: null }) };
    },
  };
}
