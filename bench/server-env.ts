/**
 * The environment every server of the benchmark gets. The gateway and Apollo
 * Server read the same variables through `loadConfig`, so both run the same
 * production policies; the hand-written baseline reads the URLs and JWT_SECRET.
 */
import type { ServiceName } from '../backends/start-reference-backends.js';

/** Bench-only secrets (≥ 16 chars, as production requires). */
export const BENCH_JWT_SECRET = 'bench-jwt-secret-0123456789abcdef';
export const BENCH_SYNC_TOKEN_SECRET = 'bench-sync-token-secret-0123456789';

/** Keeps an opened breaker open for the whole hung-backend measurement. */
export const BENCH_HALF_OPEN_AFTER_MS = 600_000;

export type BackendUrls = Record<ServiceName, string>;

/**
 * Variables of the gateway (and of Apollo Server, which builds the same services from them).
 * `gatewayConfigFile`: see gateway-config-file.ts.
 */
export function serverEnv(urls: BackendUrls, gatewayConfigFile: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    USERS_URL: urls.users,
    CATALOG_URL: urls.catalog,
    ORDERS_URL: urls.orders,
    RECOMMENDATIONS_URL: urls.recommendations,
    JWT_SECRET: BENCH_JWT_SECRET,
    SYNC_TOKEN_SECRET: BENCH_SYNC_TOKEN_SECRET,
    LOG_LEVEL: 'info',
    BREAKER_HALF_OPEN_AFTER_MS: String(BENCH_HALF_OPEN_AFTER_MS),
    // Every request comes from one client (127.0.0.1): a per-client limit sized for a phone
    // would turn the benchmark into a 429 test. The limiter stays on (its cost is measured),
    // only its ceiling is out of reach.
    CLIENT_RATE_LIMIT: '1000000000/1',
    GATEWAY_CONFIG: gatewayConfigFile,
  };
}
