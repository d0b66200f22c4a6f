import { Writable } from 'node:stream';
import { startReferenceBackends, type ReferenceBackends } from '../../backends/start-reference-backends.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type GatewayConfig } from '../../src/config/gateway-config.js';
import { withConnectors } from '../../src/connectors/with-connectors.js';
import type { GatewayApp, SchemaFile } from '../../src/gateway-app.js';
import { gatewayApp, loadAppConfig, SERVICE_NAMES, serviceUrlEnv, type ServiceName } from '../../app/gateway-app.js';
import { signDevToken } from '../../src/edge/sign-dev-token.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { writeTempFile } from './write-temp-file.js';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export interface GqlOptions {
  variables?: Record<string, unknown>;
  /** A user id to sign a token for, or a raw Authorization header value. */
  as?: string;
  authorization?: string;
  headers?: Record<string, string>;
}

export interface TestGateway {
  readonly url: string;
  /** The operations listener's URL, when OPS_PORT is set. */
  readonly opsUrl: string | undefined;
  readonly backends: ReferenceBackends;
  readonly gateway: Gateway;
  readonly config: GatewayConfig<ServiceName>;
  /** Parsed JSON log lines the gateway wrote. */
  readonly logs: Record<string, unknown>[];
  /** Cache lookups by tier and result, as the gateway reported them. */
  readonly cacheLookups: Record<'l1' | 'l2', { hit: number; miss: number }>;
  /** Redis errors the gateway saw. */
  readonly redisErrors: unknown[];
  token(userId: string, expiresIn?: string | number): Promise<string>;
  /** POSTs a GraphQL request over real HTTP; returns status, headers and parsed body. */
  gql(query: string, options?: GqlOptions): Promise<{ status: number; headers: Headers; body: GraphQLResponseBody }>;
  /** Zeroes every backend's request counters. */
  resetBackendStats(): void;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Written to a temp file and passed as GATEWAY_CONFIG. */
  gatewayConfig?: {
    services?: Record<string, Record<string, unknown>>;
    cache?: Record<string, unknown>;
    limits?: Record<string, unknown>;
    persistedQueries?: Record<string, unknown>;
    rateLimits?: Record<string, unknown>;
    execution?: Record<string, unknown>;
  };
  /** false: no service caches anything (tests about backends' failures, not the cache). */
  cache?: boolean;
  /** The gateway's clock for sync-token expiry. */
  now?: () => number;
  /**
   * true: the reference backends believe `X-User-Id` without checking it (the orders
   * backend never answers 403), so only the gateway's own checks keep viewers apart.
   */
  trustGateway?: boolean;
  /** Schema files added to the app's own (e.g. a `@source`/`@connect` file, as docs/adding-a-backend.md adds one). */
  extraSchemaFiles?: readonly SchemaFile[];
  /** More environment, from the started reference backends (e.g. a `@source` URL pointing at one of them). */
  backendEnv?: (urls: ReferenceBackends['urls']) => Record<string, string>;
}

/**
 * Real reference backends on ephemeral ports and a real gateway listening on an
 * ephemeral port in front of them, as `npm start` runs them.
 */
export async function startTestGateway(env: Record<string, string> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  // Compiled from the first run (production waits for the second): every test of a
  // compiled gateway then exercises the compiled path, not the standard executor's first runs.
  const gatewayConfig = {
    ...options.gatewayConfig,
    services: { ...options.gatewayConfig?.services },
    execution: { compileAfterRuns: 0, ...options.gatewayConfig?.execution },
  };
  if (options.cache === false) {
    for (const name of SERVICE_NAMES) gatewayConfig.services[name] = { ...gatewayConfig.services[name], cache: { freshMs: 0, staleMs: 0 } };
  }
  env = { GATEWAY_CONFIG: writeTempFile('gateway.json', gatewayConfig), ...env };
  const backends = await startReferenceBackends({ trustGateway: options.trustGateway ?? false });
  const app: GatewayApp =
    options.extraSchemaFiles === undefined ? gatewayApp : { ...gatewayApp, schemaFiles: [...gatewayApp.schemaFiles, ...options.extraSchemaFiles] };
  const load = app === gatewayApp ? loadAppConfig : (vars: Record<string, string>) => loadConfig(vars, { services: withConnectors(app).services });
  const config = load({
    ...serviceUrlEnv(backends.urls),
    JWT_SECRET: TEST_JWT_SECRET,
    SYNC_TOKEN_SECRET: 'test-sync-secret-0123456789abcdef',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.backendEnv?.(backends.urls),
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const cacheLookups = { l1: { hit: 0, miss: 0 }, l2: { hit: 0, miss: 0 } };
  const redisErrors: unknown[] = [];
  const gateway = createGateway(config, app, {
    ...(options.now === undefined ? {} : { now: options.now }),
    logger: createLogger({ level: config.logLevel, destination }),
    cacheObserver: {
      lookup: (tier, result, count) => {
        cacheLookups[tier][result] += count;
      },
      redisError: (error) => redisErrors.push(error),
    },
  });
  const { url, opsUrl } = await gateway.listen(0, '127.0.0.1');
  const token = (userId: string, expiresIn?: string | number) =>
    signDevToken(userId, TEST_JWT_SECRET, expiresIn === undefined ? {} : { expiresIn });

  return {
    url,
    opsUrl,
    backends,
    gateway,
    config,
    logs,
    cacheLookups,
    redisErrors,
    token,
    async gql(query, options = {}) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...options.headers,
      };
      if (options.as !== undefined) headers.authorization = `Bearer ${await token(options.as)}`;
      if (options.authorization !== undefined) headers.authorization = options.authorization;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables: options.variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponseBody };
    },
    resetBackendStats() {
      for (const name of ['users', 'catalog', 'orders', 'recommendations'] as const) backends[name].resetStats();
    },
    async close() {
      await gateway.close();
      await backends.close();
    },
  };
}
