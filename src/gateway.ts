import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as yogaMaskError, type YogaServerInstance } from 'graphql-yoga';
import { createTieredCache, type CacheObserver, type TieredCache } from './cache/create-tiered-cache.js';
import { StaleTracker } from './cache/stale-tracker.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { createSchema } from './create-schema.js';
import { createAuthenticator } from './edge/authenticate.js';
import { upstreamErrorToGraphQL } from './errors/upstream-error-to-graphql.js';
import { createLogger, type Logger } from './observability/create-logger.js';
import { handleHealthRoute } from './observability/health-routes.js';
import { resolveRequestId } from './observability/request-id.js';
import { useRequestDeadline } from './plugins/use-request-deadline.js';
import { useRequestId, type RequestIdServerContext } from './plugins/use-request-id.js';
import { usePartialResponseHeaders } from './plugins/use-partial-response-headers.js';
import { useStaleWarnings } from './plugins/use-stale-warnings.js';
import { createServiceSet, type ServiceSet } from './services/create-service-set.js';
import { createSyncTokenCodec } from './sync/sync-token-codec.js';
import { isUpstreamError } from './upstream/upstream-error.js';

export interface GatewayDeps {
  /** @default a pino logger at `config.logLevel` on stdout */
  logger?: Logger;
  /** Told about cache lookups and Redis errors (metrics). */
  cacheObserver?: CacheObserver;
}

export type GatewayYoga = YogaServerInstance<RequestIdServerContext, GatewayContext>;

/** One gateway instance: its own services, logger and yoga server; no globals. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly yoga: GatewayYoga;
  readonly services: ServiceSet;
  readonly cache: TieredCache;
  /** The node:http request listener: health probes first, then GraphQL. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Starts an HTTP server; port 0 picks a free one. */
  listen(port?: number, host?: string): Promise<{ server: Server; url: string; port: number }>;
  /** Stops accepting requests, lets in-flight ones finish, closes backend pools. */
  close(): Promise<void>;
}

/** Builds the gateway from a validated config. */
export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const cache = createTieredCache(config.cache, { logger, observer: deps.cacheObserver });
  const services = createServiceSet(config.services, { logger, cache, cacheSettings: config.cache });
  const authenticate = createAuthenticator({ secret: config.jwtSecret });
  const syncTokens = createSyncTokenCodec({ secret: config.syncTokenSecret, ttlSeconds: config.syncTokenTtlSeconds });
  const requestIds = useRequestId();
  const deadlines = useRequestDeadline(config.requestDeadlineMs);
  let shuttingDown = false;
  let server: Server | null = null;

  const yoga: GatewayYoga = createYoga<RequestIdServerContext, GatewayContext>({
    schema: createSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.production ? false : { title: 'Mobile GraphQL Gateway' },
    logging: {
      debug: (...args) => logger.debug({ args }, 'yoga'),
      info: (...args) => logger.info({ args }, 'yoga'),
      warn: (...args) => logger.warn({ args }, 'yoga'),
      error: (...args) => logger.error({ args }, 'yoga'),
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const located = error instanceof GraphQLError ? error : null;
        const original = located?.originalError ?? error;
        if (isUpstreamError(original)) return upstreamErrorToGraphQL(original, located);
        return yogaMaskError(error, message, isDev && !config.production);
      },
    },
    plugins: [requestIds, deadlines, useStaleWarnings(), usePartialResponseHeaders()],
    context: async ({ request }) => {
      const requestId = requestIds.requestIdOf(request);
      const auth = await authenticate(request.headers.get('authorization'));
      const deadline = deadlines.start(request);
      const stale = new StaleTracker();
      const call = {
        requestId,
        viewerId: auth.status === 'authenticated' ? auth.viewerId : null,
        signal: deadline.signal,
        deadlineAt: deadline.deadlineAt,
        stale,
      };
      return {
        requestId,
        auth,
        call,
        services: services.services,
        loaders: services.createLoaders(call),
        logger: logger.child({ requestId }),
        syncTokens,
        stale,
      };
    },
  });

  const health = {
    // The cache is optional: a dead Redis degrades, it never makes the gateway unready.
    ready: () => !shuttingDown,
    details: () => ({
      redis: cache.redisState(),
      services: Object.fromEntries(
        Object.values(services.clients).map((client) => [
          client.name,
          { breaker: client.policy.breakerState(), retryAfterSeconds: client.policy.secondsUntilHalfOpen() },
        ]),
      ),
    }),
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const header = req.headers['x-request-id'];
    const requestId = resolveRequestId(Array.isArray(header) ? header[0] : header);
    if (handleHealthRoute(req, res, health, requestId)) return;
    const fail = (error: unknown) => {
      logger.error({ err: error, requestId }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'x-request-id': requestId });
      res.end();
    };
    try {
      // yoga answers some requests (e.g. 415) synchronously and returns no promise.
      const pending: unknown = yoga.handle(req, res, { requestId });
      if (pending instanceof Promise) pending.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  return {
    config,
    logger,
    yoga,
    services,
    cache,
    handle,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        const created = createServer(handle);
        // Longer than a typical load balancer's idle timeout, so it closes first.
        created.keepAliveTimeout = 65_000;
        created.once('error', reject);
        created.listen(port, host, () => {
          server = created;
          const { port: bound } = created.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ server: created, url: `http://${shownHost}:${bound}`, port: bound });
        });
      });
    },
    async close() {
      shuttingDown = true;
      if (server !== null) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closing;
      }
      await services.close();
      await cache.close();
      await yoga.dispose();
    },
  };
}
