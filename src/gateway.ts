import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createGraphQLError, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createTieredCache, type CacheObserver, type TieredCache } from './cache/create-tiered-cache.js';
import type { GatewayConfig } from './config.js';
import type { QueryLimits } from './edge/query-limits.js';
import type { GatewayContext } from './context.js';
import { clientIdOf, createRequestContext, rateLimitTierOf } from './create-request-context.js';
import { createSchema } from './create-schema.js';
import { createAuthenticator } from './edge/authenticate.js';
import { corsPolicy } from './edge/cors-policy.js';
import { readBodyWithin, sendBodyTooLarge, streamsBodyWithoutLength } from './edge/request-body-limit.js';
import { maskError } from './errors/mask-error.js';
import { createLogger, type Logger } from './observability/create-logger.js';
import { createGatewayMetrics, type GatewayMetrics } from './observability/create-gateway-metrics.js';
import { createServiceHealth } from './observability/create-service-health.js';
import { createOpsRoutes } from './observability/ops-routes.js';
import { readVersion } from './observability/read-version.js';
import { resolveRequestId } from './observability/request-id.js';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createClientRateLimiter } from './edge/client-rate-limiter.js';
import { applyFieldRateLimits } from './edge/field-rate-limits.js';
import { createPersistedQueryStore, type PersistedQueryStore } from './edge/persisted-query-store.js';
import { createRegistrationRateLimiter } from './edge/registration-rate-limiter.js';
import { createSlidingWindowLimiter } from './edge/sliding-window-limiter.js';
import { rateLimitHeaders, tooManyRequests } from './edge/too-many-requests.js';
import { useAccessLog } from './plugins/use-access-log.js';
import { useBatchRateLimit } from './plugins/use-batch-rate-limit.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useCompression } from './plugins/use-compression.js';
import { useDegradationSummary } from './plugins/use-degradation-summary.js';
import { useDeprecationSignals } from './plugins/use-deprecation-signals.js';
import { useMinimumClientVersions } from './plugins/use-minimum-client-versions.js';
import { usePublicCaching } from './plugins/use-public-caching.js';
import { createClientLabels } from './observability/client-labels.js';
import { useErrorRequestIds } from './plugins/use-error-request-ids.js';
import { useHttpCaching } from './plugins/use-http-caching.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { useProductionHardening } from './plugins/use-production-hardening.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useGraphQLMetrics } from './plugins/use-graphql-metrics.js';
import { useRequestDeadline } from './plugins/use-request-deadline.js';
import { useRequestId, type RequestIdServerContext } from './plugins/use-request-id.js';
import { usePartialResponseHeaders } from './plugins/use-partial-response-headers.js';
import { useStaleWarnings } from './plugins/use-stale-warnings.js';
import { useStreamedErrorMasking } from './plugins/use-streamed-error-masking.js';
import { createServiceSet, type ServiceSet } from './services/create-service-set.js';
import { SERVICE_NAMES } from './services/service-registry.js';
import { createSyncTokenCodec } from './sync/sync-token-codec.js';
import { combineObservers } from './upstream/upstream-observer.js';

export interface GatewayDeps {
  /** @default a pino logger at `config.logLevel` on stdout */
  logger?: Logger;
  /** Also told about cache lookups and Redis errors (tests). */
  cacheObserver?: CacheObserver;
  /** @default a new Registry: one per instance, never prom-client's global one */
  registry?: Registry;
  /** Clock of sync-token expiry and of persisted queries' TTLs and registration windows, in ms. @default Date.now */
  now?: () => number;
}

export type GatewayYoga = YogaServerInstance<RequestIdServerContext, GatewayContext>;

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

/** Builds the gateway from a validated config. */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' });
  const registry = deps.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createGatewayMetrics({ registry, prefix: config.metricsPrefix, services: SERVICE_NAMES });
  const serviceHealth = createServiceHealth(SERVICE_NAMES);
  const external = deps.cacheObserver;
  const cache = createTieredCache(config.cache, {
    logger,
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
  const services = createServiceSet(config.services, {
    logger,
    cache,
    cacheSettings: config.cache,
    observer: combineObservers(metrics.upstream, serviceHealth),
  });
  for (const client of Object.values(services.clients)) metrics.observePolicy(client.policy);
  const version = readVersion();
  const startedAt = Date.now();
  const authenticate = createAuthenticator({ secret: config.jwtSecret, tierClaim: config.rateLimitTierClaim });
  const syncTokens = createSyncTokenCodec({
    secret: config.syncTokenSecret,
    ttlSeconds: config.syncTokenTtlSeconds,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  const requestIds = useRequestId();
  const deadlines = useRequestDeadline(config.requestDeadlineMs);
  const schema = applyFieldRateLimits(createSchema(), {
    limiter: createSlidingWindowLimiter({ redis: cache.redis }),
    keyPrefix: config.cache.keyPrefix,
    identify: (context) => (context as GatewayContext).clientId,
    onLimited: () => metrics.rateLimited('field'),
    overrides: config.fieldRateLimits,
  });
  const clientLabels = createClientLabels({ limit: config.clientLabelsMax });
  const compiledExecution = useCompiledExecution({
    ...config.execution,
    onExecuted: (how) => metrics.executed(how),
    onNotCompilable: (operationName, error) => logger.warn({ operationName, err: error }, 'graphql-jit could not compile an operation: it runs on the standard executor'),
  });
  metrics.observeCompiledOperations(compiledExecution.compiledOperations);
  const persistedQueries = createPersistedQueryStore({
    limits: config.persistedQueries.apq,
    redis: cache.redis,
    keyPrefix: config.cache.keyPrefix,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  const apqRegistrations = createRegistrationRateLimiter({
    max: config.persistedQueries.apq.registrationsPerMinute,
    windowMs: 60_000,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  const clientLimiter = createClientRateLimiter({
    limit: config.clientRateLimit,
    tiers: config.clientRateLimitTiers,
    redis: cache.redis,
    keyPrefix: config.cache.keyPrefix,
  });
  // Cross-site form posts (urlencoded, multipart) carry no preflight: refused with 403.
  // GET stays open: it cannot run mutations, and bearer tokens are never sent cross-site.
  const csrf = useCSRFPrevention();
  const csrfExceptGet: typeof csrf = {
    onRequestParse(payload) {
      if (payload.request.method === 'GET') return;
      try {
        return csrf.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError('Cross-site form requests are refused: send application/json', {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
    },
  };
  let shuttingDown = false;
  let server: Server | null = null;
  let opsServer: Server | null = null;
  let active = 0;
  let drained: (() => void) | null = null;

  const yoga: GatewayYoga = createYoga<RequestIdServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Enforced in `handle` from Content-Length, before yoga (chunked bodies are counted
    // there too): yoga's own limit wraps every body in a counting stream, ~4 % of the CPU
    // of a small query.
    maxRequestBodySize: false,
    batching: { limit: config.limits.maxBatch },
    landingPage: false,
    cors: corsPolicy(config.corsOrigins),
    graphiql: config.production ? false : { title: 'Mobile GraphQL Gateway' },
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
    plugins: [
      requestIds,
      useAccessLog(logger, requestIds.requestIdOf),
      useGraphQLMetrics(registry, {}, clientLabels),
      csrfExceptGet,
      useBatchRateLimit({
        maxBatch: config.limits.maxBatch,
        // Only requests `handle` counted (it passes `auth`) are charged for the rest of their batch.
        charge: ({ auth, clientIp }, requests) =>
          auth === undefined ? undefined : clientLimiter.hit(clientIdOf(auth, clientIp ?? 'unknown'), requests, rateLimitTierOf(auth)),
        onLimited: () => metrics.rateLimited('client'),
      }),
      useMinimumClientVersions(config.clients.minimumVersions),
      useQueryLimits(config.limits),
      // After useQueryLimits: an APQ registration is stored in onExecute, which a query over
      // the cost limit never reaches (its refusal stops the later plugins' onExecute).
      ...usePersistedQueries(
        config.persistedQueries.mode,
        {
          store: persistedQueries,
          registrations: apqRegistrations,
          identify: (context) => (context as GatewayContext).clientId,
          onRegistrationLimited: () => metrics.rateLimited('apq_registration'),
        },
        config.persistedQueries.manifest,
      ),
      ...(config.production ? useProductionHardening() : []),
      useDeferStream(),
      compiledExecution,
      useStreamedErrorMasking(),
      deadlines,
      useStaleWarnings(),
      useDegradationSummary(),
      useDeprecationSignals({ schema, registry, prefix: config.metricsPrefix, clientLabels }),
      useErrorRequestIds(requestIds.requestIdOf),
      usePartialResponseHeaders(),
      useHttpCaching(),
      usePublicCaching(schema),
      useCompression(),
    ],
    context: async ({ request, clientIp, auth }) =>
      createRequestContext(
        {
          requestId: requestIds.requestIdOf(request),
          auth: auth ?? (await authenticate(request.headers.get('authorization'))),
          deadline: deadlines.start(request),
          clientIp: clientIp ?? 'unknown',
        },
        { services, logger, syncTokens },
      ),
  });

  const health = {
    // The cache is optional: a dead Redis degrades, it never makes the gateway unready
    // (a Redis outage must not take every replica out of the load balancer).
    ready: () => !shuttingDown,
    readiness: () => (shuttingDown ? { reason: 'shutting down' } : {}),
    details: () => ({
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      redis: cache.redisState(),
      services: Object.fromEntries(
        Object.values(services.clients).map((client) => [
          client.name,
          {
            breaker: client.policy.breakerState(),
            retryAfterSeconds: client.policy.secondsUntilHalfOpen(),
            consecutiveFailures: client.policy.consecutiveFailures(),
            ...serviceHealth.snapshot(client.name),
          },
        ]),
      ),
    }),
  };

  const ops = createOpsRoutes({ health, registry, token: config.opsToken });
  // With an ops listener, the public port keeps only the probes a load balancer needs.
  const publicExposure = config.opsPort === null ? 'all' : 'probes';
  const handleOps = (req: IncomingMessage, res: ServerResponse): void => {
    const header = req.headers['x-request-id'];
    const requestId = resolveRequestId(Array.isArray(header) ? header[0] : header);
    if (ops.handle(req, res, requestId, 'all')) return;
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
    res.end(JSON.stringify({ status: 'not_found' }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    active += 1;
    res.once('close', () => {
      active -= 1;
      if (active === 0) drained?.();
    });
    // While draining, every answer asks the client to open its next request elsewhere.
    if (shuttingDown) res.setHeader('connection', 'close');
    const header = req.headers['x-request-id'];
    const requestId = resolveRequestId(Array.isArray(header) ? header[0] : header);
    if (ops.handle(req, res, requestId, publicExposure)) return;
    const fail = (error: unknown) => {
      logger.error({ err: error, requestId }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'x-request-id': requestId });
      res.end();
    };
    if (req.method === 'POST' && refuseBody(req, res, requestId, config.limits.maxBodyBytes)) return;
    const serve = async () => {
      // Verified once here, for the limit and for the context: a forged `sub` must not
      // spend someone else's quota.
      const auth = await authenticate(req.headers.authorization ?? null);
      const clientIp = req.socket.remoteAddress ?? 'unknown';
      // The client limit is checked before the body is even read: abuse costs one counter.
      // This counts one operation; a batch's others are counted once parsed (useBatchRateLimit).
      const decision = await clientLimiter.hit(clientIdOf(auth, clientIp), 1, rateLimitTierOf(auth));
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
      if (!decision.allowed) {
        metrics.rateLimited('client');
        const refusal = tooManyRequests(decision);
        res.writeHead(refusal.status, { ...refusal.headers, 'content-length': Buffer.byteLength(refusal.body), 'x-request-id': requestId });
        res.end(refusal.body);
        return;
      }
      if (req.method === 'POST' && streamsBodyWithoutLength(req)) {
        const read = await readBodyWithin(req, config.limits.maxBodyBytes);
        if (read.kind === 'aborted') return;
        if (read.kind === 'too_large') {
          // Flushed first, then the connection goes: the client may still be sending.
          res.once('finish', () => req.destroy());
          sendBodyTooLarge(res, requestId, config.limits.maxBodyBytes);
          return;
        }
        // yoga's Node adapter takes an already-read body from `req.body` (as behind
        // Express' body parsers), the request stream being consumed. As a stream: a Buffer
        // there would be tested with Object.keys, one string per byte (7 ms for 64 KiB).
        (req as IncomingMessage & { body?: Readable }).body = Readable.from([read.body]);
      }
      // yoga answers some requests (e.g. 415) synchronously and returns no promise.
      await yoga.handle(req, res, { requestId, clientIp, auth });
    };
    serve().catch(fail);
  };

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
      const created = createServer(slowClientTimeouts(config.limits), handle);
      // Longer than a typical load balancer's idle timeout, so it closes first.
      created.keepAliveTimeout = 65_000;
      const bound = await listenOn(created, port, host);
      server = created;
      if (config.opsPort === null) return { server: created, url: `http://${shownHost(host)}:${bound}`, port: bound };
      const createdOps = createServer(slowClientTimeouts(config.limits), handleOps);
      const opsBound = await listenOn(createdOps, config.opsPort, host);
      opsServer = createdOps;
      return { server: created, url: `http://${shownHost(host)}:${bound}`, port: bound, opsUrl: `http://${shownHost(host)}:${opsBound}` };
    },
    drain() {
      shuttingDown = true;
    },
    async close(options = {}) {
      shuttingDown = true;
      const drainMs = options.drainMs ?? config.shutdownDrainMs;
      if (opsServer !== null) {
        const listening = opsServer;
        // Scrapes and probes hold nothing worth draining.
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeAllConnections();
        });
      }
      if (server !== null) {
        const listening = server;
        // Stops accepting connections; Node also closes the idle keep-alive ones.
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        const idle = active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), drainMs)));
        const outcome = await Promise.race([idle.then(() => 'drained' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') logger.warn({ inFlight: active, drainMs }, 'drain timeout: cutting the remaining connections');
        listening.closeAllConnections();
        await closed;
      }
      await services.close();
      await persistedQueries.settled();
      await cache.close();
      await yoga.dispose();
    },
  };
}

// Private:

/**
 * A client that trickles its headers or body is cut with 408 after these, instead of
 * holding a socket for Node's 300 s. Node checks them every `connectionsCheckingInterval`
 * (30 s by default, far coarser than the limits), so it is checked at a tenth of the limit.
 */
function slowClientTimeouts(limits: QueryLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shownHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

/**
 * The body-size limit of a body that declares its length: 413 from Content-Length alone
 * (Node's parser never reads past it). A chunked body has no length to check here: it is
 * counted as it is read, in `handle`.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, requestId: string, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  if (declared === undefined || Number(declared) <= maxBytes) return false;
  sendBodyTooLarge(res, requestId, maxBytes);
  return true;
}
