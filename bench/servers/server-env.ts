/**
 * The environment every server of the benchmark gets. The gateway and Apollo
 * Server read the same variables through `loadConfig`, so both run the same
 * production policies; the hand-written baseline gets the same, plus what it takes
 * from the gateway's configuration (baseline-settings.ts) and JWT_SECRET.
 */
import { loadAppConfig, serviceUrlEnv, type ServiceName } from '../../app/gateway-app.js';
import type { GatewayEnvName } from '../../src/index.js';
import { BASELINE_SETTINGS_ENV, type BaselineSettings } from './baseline-settings.js';

/** Bench-only secrets (≥ 32 bytes, as `loadConfig` requires). */
export const BENCH_JWT_SECRET = 'bench-jwt-secret-0123456789abcdef';
export const BENCH_SYNC_TOKEN_SECRET = 'bench-sync-token-secret-0123456789';

/** Keeps an opened breaker open for the whole hung-backend phase (and only there). */
export const BENCH_HALF_OPEN_AFTER_MS = 600_000;

export type BackendUrls = Record<ServiceName, string>;

export interface ServerEnvOptions {
  /** REDIS_URL: the shared L2 cache, persisted queries and rate-limit counters; absent: in-memory only. */
  redisUrl?: string;
  /** GATEWAY_CONFIG (gateway-config-file.ts): the Redis key prefix of this server and run. */
  gatewayConfigFile?: string;
  /**
   * The hung phase: BREAKER_HALF_OPEN_AFTER_MS long enough that the opened recommendations
   * breaker stays open while it is measured. Elsewhere the default (30 s) applies: a breaker
   * a passing slowdown opened must not stay open for the rest of a healthy phase.
   */
  holdBreakersOpen?: boolean;
  /** GATEWAY_EXECUTOR (`--executor`); absent: the gateway's default (jit). */
  executor?: 'jit' | 'standard';
}

/**
 * Variables of the gateway (and of Apollo Server, which builds the same services from them).
 * Production defaults everywhere else: the per-client limit (CLIENT_RATE_LIMIT 600/60) and
 * the schema's own `@rateLimit` field limits apply, as they do in production — the
 * benchmark spreads its load over enough viewers to stay under them.
 */
export function serverEnv(urls: BackendUrls, options: ServerEnvOptions = {}): Record<string, string> {
  // Typed by the engine's own variable names: a renamed one fails to compile here.
  const engine: Partial<Record<GatewayEnvName, string>> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: BENCH_JWT_SECRET,
    SYNC_TOKEN_SECRET: BENCH_SYNC_TOKEN_SECRET,
    LOG_LEVEL: 'info',
  };
  if (options.holdBreakersOpen === true) engine.BREAKER_HALF_OPEN_AFTER_MS = String(BENCH_HALF_OPEN_AFTER_MS);
  if (options.redisUrl !== undefined) engine.REDIS_URL = options.redisUrl;
  if (options.gatewayConfigFile !== undefined) engine.GATEWAY_CONFIG = options.gatewayConfigFile;
  if (options.executor !== undefined) engine.GATEWAY_EXECUTOR = options.executor;
  return { ...serviceUrlEnv(urls), ...(engine as Record<string, string>) };
}

/** The hand-written BFF's environment: the gateway's `env`, and what it takes from the configuration the gateway makes of it. */
export function baselineEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const config = loadAppConfig(env);
  const backend = (name: ServiceName) => {
    const { url, connections, timeoutMs, cache } = config.services[name];
    return { url, connections, timeoutMs, freshMs: cache.freshMs };
  };
  const settings: BaselineSettings = {
    backends: { users: backend('users'), catalog: backend('catalog'), orders: backend('orders'), recommendations: backend('recommendations') },
    maxBodyBytes: config.limits.maxBodyBytes,
  };
  return { ...env, [BASELINE_SETTINGS_ENV]: JSON.stringify(settings) };
}
