import { collectDefaultMetrics, Registry } from 'prom-client';
import type { GraphQLSchema } from 'graphql';
import { createTieredCache, type CacheObserver, type TieredCache } from './cache/create-tiered-cache.js';
import type { Clock } from './clock.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { withConnectors } from './connectors/with-connectors.js';
import { createSchema } from './create-schema.js';
import { createAuthenticator, type Authenticate } from './edge/authenticate.js';
import { createRemoteKeySet, type RemoteKeySet } from './edge/remote-key-set.js';
import type { GatewayApp } from './gateway-app.js';
import { createGatewayMetrics, type GatewayMetrics } from './observability/create-gateway-metrics.js';
import { createLogger, type Logger } from './observability/create-logger.js';
import { createServiceHealth, type ServiceHealth } from './observability/create-service-health.js';
import { createServiceSet, type ServiceSet } from './services/create-service-set.js';
import { createSyncTokenCodec, type SyncTokenCodec } from './sync/sync-token-codec.js';
import { combineObservers } from './upstream/upstream-observer.js';

export interface GatewayRuntimeDeps {
  /** @default a pino logger at `config.logLevel` on stdout */
  logger?: Logger;
  /** Also told about cache lookups and Redis errors (tests). */
  cacheObserver?: CacheObserver;
  /** @default a new Registry: one per instance, never prom-client's global one */
  registry?: Registry;
  /**
   * The one clock of the instance: cache freshness, breakers, retry budgets, deadlines,
   * rate limits, persisted queries, sync tokens and the identity provider's key-set
   * cooldown and age. Tests move it instead of sleeping.
   * @default systemClock
   */
  now?: Clock;
}

/**
 * What serves an app's GraphQL, whatever HTTP server is in front: the app with its
 * connectors, the executable schema, the backends (clients, policies, caches), the tiered
 * cache, token verification, sync tokens, metrics and per-backend health. The gateway puts
 * graphql-yoga and its plugins in front of it; the benchmark puts Apollo Server in front of
 * the same runtime, so the two differ only by the server.
 */
export interface GatewayRuntime {
  /** The app as served: its @source backends are services, its @connect fields have resolvers. */
  readonly app: GatewayApp;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics: GatewayMetrics;
  readonly serviceHealth: ServiceHealth;
  readonly cache: TieredCache;
  readonly services: ServiceSet;
  /** The identity provider's keys (JWT_JWKS_URL); null when only HS256 tokens are accepted. */
  readonly keySet: RemoteKeySet | null;
  readonly authenticate: Authenticate;
  readonly syncTokens: SyncTokenCodec;
  /** `{ now }` when a clock was given, else `{}`: spread into every time-reading part. */
  readonly clock: { now?: Clock };
  close(): Promise<void>;
}

export function createGatewayRuntime(config: GatewayConfig, declared: GatewayApp, deps: GatewayRuntimeDeps = {}): GatewayRuntime {
  const app = withConnectors(declared);
  const serviceNames = Object.keys(app.services);
  const logger = deps.logger ?? createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' });
  const registry = deps.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createGatewayMetrics({ registry, prefix: config.metricsPrefix, services: serviceNames });
  const serviceHealth = createServiceHealth(serviceNames);
  const external = deps.cacheObserver;
  const clock = deps.now === undefined ? {} : { now: deps.now };
  const cache = createTieredCache(config.cache, {
    logger,
    ...clock,
    observer: {
      lookup: (tier, result, count) => {
        metrics.cache.lookup(tier, result, count);
        external?.lookup?.(tier, result, count);
      },
      redisError: (error) => {
        metrics.cache.redisError(error);
        external?.redisError?.(error);
      },
    },
  });
  const services = createServiceSet(app.services, config.services, {
    logger,
    cache,
    cacheSettings: config.cache,
    observer: combineObservers(metrics.upstream, serviceHealth),
    ...clock,
  });
  for (const client of Object.values(services.clients)) metrics.observePolicy(client.policy);
  const keySet =
    config.jwks === null
      ? null
      : createRemoteKeySet({
          ...config.jwks,
          ...clock,
          onFetch: (outcome) => {
            if (!outcome.ok) logger.warn({ jwksUrl: config.jwks?.url, error: outcome.error, durationMs: Math.round(outcome.durationMs) }, 'identity provider key set fetch failed');
            else if (outcome.changed) logger.info({ jwksUrl: config.jwks?.url, keys: outcome.keys }, 'identity provider key set loaded');
          },
        });
  const authenticate = createAuthenticator({
    secret: config.jwtSecret,
    jwks: config.jwks === null || keySet === null ? null : { ...config.jwks, keySet },
    tierClaim: config.rateLimitTierClaim,
    ...clock,
  });
  const syncTokens = createSyncTokenCodec({ secret: config.syncTokenSecret, ttlSeconds: config.syncTokenTtlSeconds, ...clock });
  return {
    app,
    schema: createSchema(app),
    logger,
    registry,
    metrics,
    serviceHealth,
    cache,
    services,
    keySet,
    authenticate,
    syncTokens,
    clock,
    async close() {
      await services.close();
      await cache.close();
    },
  };
}
