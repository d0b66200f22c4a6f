/**
 * The numbers the hand-written BFF takes from the gateway's own configuration, so that
 * both run with the same ones: each backend's URL, connection pool size, call timeout
 * and fresh cache TTL, and the request body limit. The runner reads them from
 * `loadAppConfig` over the environment the gateway gets (server-env.ts) and hands them
 * to the baseline's process in one variable: the baseline loads no gateway code, which
 * would count in its RSS.
 */
import type { ServiceName } from '../../app/gateway-app.js';

export const BASELINE_SETTINGS_ENV = 'BENCH_BASELINE_SETTINGS';

export interface BaselineBackend {
  url: string;
  /** The gateway's undici Pool size for this backend. */
  connections: number;
  /** The gateway's per-call timeout (the baseline has no retries, breaker or deadline around it). */
  timeoutMs: number;
  /** How long the gateway serves this backend's entities from its cache as fresh (0: not cached). */
  freshMs: number;
}

export interface BaselineSettings {
  backends: Record<ServiceName, BaselineBackend>;
  /** The gateway's request body limit (GATEWAY_CONFIG `limits.maxBodyBytes`). */
  maxBodyBytes: number;
}

/** The settings in the baseline's process; throws when the runner did not hand them over. */
export function readBaselineSettings(env: Readonly<Record<string, string | undefined>>): BaselineSettings {
  const raw = env[BASELINE_SETTINGS_ENV];
  if (raw === undefined || raw === '') throw new Error(`${BASELINE_SETTINGS_ENV} is required (the runner sets it: bench/servers/server-env.ts)`);
  return JSON.parse(raw) as BaselineSettings;
}
