import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { TieredCache } from './cache/create-tiered-cache.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { createGatewayPlugins } from './create-gateway-plugins.js';
import { createGatewayRuntime, type GatewayRuntimeDeps } from './create-gateway-runtime.js';
import { createRequestContext } from './create-request-context.js';
import { createRequestScopeFactory, scopeOf, type RequestScopeServerContext } from './request-scope.js';
import { createClientRateLimiter } from './edge/client-rate-limiter.js';
import { corsPolicy } from './edge/cors-policy.js';
import { applyFieldRateLimits } from './edge/field-rate-limits.js';
import { createOfflineGraphiQLRenderer } from './edge/offline-graphiql.js';
import { createPersistedQueryStore, type PersistedQueryStore } from './edge/persisted-query-store.js';
import { createRegistrationRateLimiter } from './edge/registration-rate-limiter.js';
import { createSlidingWindowLimiter } from './edge/sliding-window-limiter.js';
import { maskError } from './errors/mask-error.js';
import type { GatewayApp } from './gateway-app.js';
import type { GatewayContext } from './gateway-context.js';
import { createOpsHandler, createRequestHandler } from './http/create-request-handler.js';
import { createGracefulHttpServer } from './http/graceful-http-server.js';
import { createClientLabels } from './observability/client-labels.js';
import type { GatewayMetrics } from './observability/create-gateway-metrics.js';
import type { Logger } from './observability/create-logger.js';
import { createOpsRoutes } from './observability/ops-routes.js';
import { readVersion } from './observability/read-version.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import type { ServiceSet } from './services/create-service-set.js';

export type GatewayDeps = GatewayRuntimeDeps;

export type GatewayYoga = YogaServerInstance<RequestScopeServerContext, GatewayContext>;

/** One gateway instance: its own services, logger and yoga server; no globals. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly yoga: GatewayYoga;
  readonly services: ServiceSet;
  readonly cache: TieredCache;
  /** Automatic persisted queries (their own store, not the entity cache). */
  readonly persistedQueries: PersistedQueryStore;
  readonly registry: Registry;
  readonly metrics: GatewayMetrics;
  /** The node:http request listener: health probes first, then GraphQL. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Starts an HTTP server; port 0 picks a free one. With `config.opsPort` set, also the
   * operations listener on the same host (`opsUrl`).
   */
  listen(port?: number, host?: string): Promise<{ server: Server; url: string; port: number; opsUrl?: string }>;
  /** Marks the instance not ready (readiness 503) while it still serves: the start of a drain. */
  drain(): void;
  /**
   * Graceful stop: readiness turns 503, the listener closes (no new connections),
   * in-flight requests finish (answers say `Connection: close`) for up to `drainMs`
   * (SHUTDOWN_DRAIN_MS), then remaining connections are cut and the backend pools,
   * Redis and yoga are closed.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/**
 * Builds the gateway of an app (its schema, resolvers and backends) from a config that
 * `loadConfig` validated for the same app: the runtime (backends, cache, auth), the edge
 * (limits, persisted queries), yoga with its plugins, and the HTTP listeners.
 */
export function createGateway(config: GatewayConfig, declared: GatewayApp, deps: GatewayDeps = {}): Gateway {
  const runtime = createGatewayRuntime(config, declared, deps);
  const { logger, registry, metrics, cache, services, keySet, authenticate, syncTokens, clock } = runtime;
  const version = readVersion();
  const startedAt = Date.now();
  const clientLabels = createClientLabels({ limit: config.clientLabelsMax });
  const createScope = createRequestScopeFactory({ logger, clientLabels, deadlineMs: config.requestDeadlineMs, ...clock });
  const schema = applyFieldRateLimits(runtime.schema, {
    limiter: createSlidingWindowLimiter({ redis: cache.redis, ...clock }),
    keyPrefix: config.cache.keyPrefix,
    identify: (context) => (context as GatewayContext).clientId,
    onLimited: () => metrics.rateLimited('field'),
    overrides: config.fieldRateLimits,
  });
  const persistedQueries = createPersistedQueryStore({
    limits: config.persistedQueries.apq,
    redis: cache.redis,
    keyPrefix: config.cache.keyPrefix,
    ...clock,
  });
  const clientLimiter = createClientRateLimiter({
    limit: config.clientRateLimit,
    tiers: config.clientRateLimitTiers,
    redis: cache.redis,
    keyPrefix: config.cache.keyPrefix,
    ...clock,
  });
  const compiledExecution = useCompiledExecution({
    ...config.execution,
    onExecuted: (how) => metrics.executed(how),
    onNotCompilable: (operationName, error) =>
      logger.warn({ operationName, err: error }, 'graphql-jit could not compile an operation: it runs on the standard executor'),
  });
  metrics.observeCompiledOperations(compiledExecution.compiledOperations);
  const http = createGracefulHttpServer({ limits: config.limits, logger });

  const yoga: GatewayYoga = createYoga<RequestScopeServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Enforced by the request handler from Content-Length, before yoga (chunked bodies are
    // counted there too): yoga's own limit wraps every body in a counting stream, ~4 % of
    // the CPU of a small query.
    maxRequestBodySize: false,
    batching: { limit: config.limits.maxBatch },
    landingPage: false,
    cors: corsPolicy(config.corsOrigins),
    graphiql: config.production ? false : { title: 'Mobile GraphQL Gateway' },
    // Served from our own dependencies, not yoga's default CDN: GraphiQL works offline.
    renderGraphiQL: createOfflineGraphiQLRenderer(),
    logging: {
      debug: (...args) => logger.debug({ args }, 'yoga'),
      info: (...args) => logger.info({ args }, 'yoga'),
      warn: (...args) => logger.warn({ args }, 'yoga'),
      error: (...args) => logger.error({ args }, 'yoga'),
    },
    maskedErrors: {
      // Details of unexpected errors go to the logs, never to the client, in any mode.
      isDev: false,
      maskError: (error, message) => maskError(error, message),
    },
    plugins: createGatewayPlugins({
      config,
      schema,
      logger,
      registry,
      metrics,
      clientLabels,
      clientLimiter,
      persistedQueries,
      apqRegistrations: createRegistrationRateLimiter({
        max: config.persistedQueries.apq.registrationsPerMinute,
        windowMs: 60_000,
        ...clock,
      }),
      compiledExecution,
    }),
    // The request handler built the request's scope (token verified, deadline started).
    context: (serverContext) => createRequestContext(scopeOf(serverContext), { services, syncTokens }),
  });

  const health = {
    // The cache is optional: a dead Redis degrades, it never makes the gateway unready
    // (a Redis outage must not take every replica out of the load balancer).
    ready: () => !http.shuttingDown,
    readiness: () => (http.shuttingDown ? { reason: 'shutting down' } : {}),
    details: () => ({
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      redis: cache.redisState(),
      ...(keySet === null ? {} : { jwks: keySet.state() }),
      services: Object.fromEntries(
        Object.values(services.clients).map((client) => [
          client.name,
          {
            breaker: client.policy.breakerState(),
            retryAfterSeconds: client.policy.secondsUntilHalfOpen(),
            consecutiveFailures: client.policy.consecutiveFailures(),
            ...runtime.serviceHealth.snapshot(client.name),
          },
        ]),
      ),
    }),
  };
  const ops = createOpsRoutes({ health, registry, token: config.opsToken });
  const handle = http.tracked(
    createRequestHandler({
      ops,
      // With an ops listener, the public port keeps only the probes a load balancer needs.
      exposure: config.opsPort === null ? 'all' : 'probes',
      authenticate,
      clientLimiter,
      limits: config.limits,
      logger,
      createScope,
      onClientLimited: () => metrics.rateLimited('client'),
      graphql: (req, res, context) => yoga.handle(req, res, context),
    }),
  );

  return {
    config,
    logger,
    yoga,
    services,
    cache,
    persistedQueries,
    registry,
    metrics,
    handle,
    async listen(port = config.port, host = config.host) {
      const listening = await http.listen(
        handle,
        port,
        host,
        config.opsPort === null ? undefined : { listener: createOpsHandler(ops), port: config.opsPort },
      );
      // The first tokens then find the keys loaded; a failure is logged and retried on demand.
      void keySet?.warmUp();
      return listening;
    },
    drain() {
      http.drain();
    },
    async close(options = {}) {
      await http.close(options.drainMs ?? config.shutdownDrainMs);
      // Persisted-query writes still under way go to Redis, which the runtime closes.
      await persistedQueries.settled();
      await runtime.close();
      await yoga.dispose();
    },
  };
}
