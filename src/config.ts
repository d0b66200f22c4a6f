import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import type { CacheSettings } from './cache/cache-settings.js';
import type { LogLevel } from './observability/create-logger.js';
import type { ServiceCatalog } from './services/service-definition.js';
import { DEFAULT_APQ_LIMITS, type ApqLimits } from './edge/apq-limits.js';
import { clientsFileSchema, DEFAULT_CLIENT_SETTINGS, type ClientSettings } from './edge/client-settings.js';
import { DEFAULT_JWKS_TIMINGS, type JwksSettings } from './edge/jwks-settings.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './edge/query-limits.js';
import { DEFAULT_EXECUTION_SETTINGS, EXECUTORS, executionFileSchema, type ExecutionSettings } from './execution/execution-settings.js';
import { DEFAULT_JITTER, JITTER_KINDS } from './upstream/jitter.js';
import { DEFAULT_RETRY_BUDGET } from './upstream/retry-budget.js';
import type { BreakerSettings, ServiceSettings } from './upstream/service-settings.js';

/** The gateway's whole configuration, validated. */
export interface GatewayConfig<ServiceName extends string = string> {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  nodeEnv: string;
  /** `NODE_ENV=production`: no introspection or GraphiQL, masked errors, secrets required. */
  production: boolean;
  logLevel: LogLevel;
  /** `pretty` (pino-pretty, development only) or `json`. */
  logFormat: 'json' | 'pretty';
  /** Prefix of the gateway's own metric families. */
  metricsPrefix: string;
  /** HS256 secret (JWT_SECRET); null: HS256 tokens are refused (JWT_JWKS_URL alone verifies tokens). */
  jwtSecret: string | null;
  /** JWT_JWKS_URL and its checks (JWT_ISSUER, JWT_AUDIENCE, JWT_USER_CLAIM, GATEWAY_CONFIG `jwks`); null: HS256 only. */
  jwks: JwksSettings | null;
  syncTokenSecret: string;
  /** True when a secret fell back to the development default (never in production). */
  usingDevSecrets: boolean;
  /** Redis for the shared L2 cache, persisted queries and rate limits; null = in-memory only. */
  redisUrl: string | null;
  /** The tiered cache (L1 in-process, L2 on `redisUrl`). */
  cache: CacheSettings;
  /** Every backend of the app (code-defined services and schema `@source`s), by name. */
  services: Record<ServiceName, ServiceSettings>;
  /** Budget of one GraphQL request: every backend call and retry of it ends by then. */
  requestDeadlineMs: number;
  /** How long a stopping instance lets in-flight requests finish. */
  shutdownDrainMs: number;
  /** CLIENT_RATE_LIMIT: requests per client (viewer, else IP) in any `windowSeconds`. */
  clientRateLimit: { max: number; windowSeconds: number };
  /** CLIENT_RATE_LIMIT_TIERS: the limit of viewers whose token names a tier; others get `clientRateLimit`. */
  clientRateLimitTiers: ReadonlyMap<string, { max: number; windowSeconds: number }>;
  /** RATE_LIMIT_TIER_CLAIM: the (top-level) JWT claim that names the viewer's tier. */
  rateLimitTierClaim: string;
  /** Query and request limits (GATEWAY_CONFIG `limits`). */
  limits: QueryLimits;
  /** Per-field rate limits replacing the schema's `@rateLimit` (GATEWAY_CONFIG `rateLimits`), by `Type.field`. */
  fieldRateLimits: Readonly<Record<string, { max: number; window: string }>>;
  /**
   * `apq`: automatic persisted queries (Apollo protocol) plus ordinary queries;
   * `only`: trusted documents: only the operations of the manifest run; `off`.
   * The `apq` field: bounds of automatic persisted queries (GATEWAY_CONFIG `persistedQueries`).
   */
  persistedQueries: { mode: 'apq' | 'only' | 'off'; manifest: ReadonlyMap<string, string>; apq: ApqLimits };
  /** Lifetime of a delta-sync token. */
  syncTokenTtlSeconds: number;
  /**
   * OPS_PORT: a second listener for `/metrics` and `/health/detailed` (and the probes);
   * the public port then serves only `/health` and `/health/ready` of them. null: one port.
   */
  opsPort: number | null;
  /** OPS_TOKEN: bearer token `/metrics` and `/health/detailed` require; null: none. */
  opsToken: string | null;
  /** CORS_ORIGINS: origins browsers may call from (`*` = any, without credentials); null: no CORS. */
  corsOrigins: readonly string[] | null;
  /** CLIENT_LABELS_MAX: distinct app name/version pairs with metric labels of their own. */
  clientLabelsMax: number;
  /** GATEWAY_CONFIG `clients`: minimum app versions. */
  clients: ClientSettings;
  /** GATEWAY_EXECUTOR and GATEWAY_CONFIG `execution`: compiled (graphql-jit) or standard execution. */
  execution: ExecutionSettings;
}



/** Every problem of the configuration, one line each, naming the variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Development-only secrets: `npm start` and local tools (`allowDevSecrets`); never `npm run gateway`. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SYNC_TOKEN_SECRET = 'dev-only-sync-token-secret-change-me-0123';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const rangeMessage = (min: number, max: number) => ({ error: `expected an integer from ${min} to ${max}` });

/** An integer in an environment variable: plain decimal digits only (no " ", "0x10", "1e3"). */
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, rangeMessage(min, max))
    .transform(Number)
    .pipe(z.number().min(min, rangeMessage(min, max)).max(max, rangeMessage(min, max)));

/** An integer in the GATEWAY_CONFIG JSON file: a JSON number, never a string or boolean coerced into one. */
const jsonInteger = (min: number, max: number) =>
  z
    .number(rangeMessage(min, max))
    .int(rangeMessage(min, max))
    .min(min, rangeMessage(min, max))
    .max(max, rangeMessage(min, max));

/** Shorter keys are guessable offline from one captured token (HS256 is an HMAC over a known message). */
const MIN_SECRET_BYTES = 32;
const secret = z.string().refine((value) => Buffer.byteLength(value, 'utf8') >= MIN_SECRET_BYTES, {
  error: `expected at least ${MIN_SECRET_BYTES} bytes`,
});

/** One entry of CLIENT_RATE_LIMIT_TIERS: a tier name (as a token's claim spells it) and its limit. */
const TIER_LIMIT = /^([A-Za-z0-9_.-]{1,64})=([1-9]\d{0,8})\/([1-9]\d{0,8})$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:4001' });

const envSchema = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional(),
  JWT_SECRET: secret.optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://idp.example.com/.well-known/jwks.json' }).optional(),
  JWT_ISSUER: z.string().regex(/^\S{1,2048}$/, { error: 'expected the issuer as tokens spell it in iss, e.g. https://idp.example.com/' }).optional(),
  JWT_AUDIENCE: z
    .string()
    .transform((value) => value.split(',').map((audience) => audience.trim()))
    .pipe(z.array(z.string().regex(/^\S{1,2048}$/, { error: 'expected comma-separated audiences, e.g. mobile-api or api://gateway,mobile-app' })))
    .optional(),
  JWT_USER_CLAIM: z
    .string()
    .regex(/^\S{1,200}$/, { error: 'expected a JWT claim name such as sub or https://example.com/user_id' })
    .optional(),
  SYNC_TOKEN_SECRET: secret.optional(),
  UPSTREAM_TIMEOUT_MS: integer(1, 120_000).default(1000),
  UPSTREAM_MAX_RETRIES: integer(0, 10).default(2),
  BREAKER_HALF_OPEN_AFTER_MS: integer(1, 3_600_000).default(30_000),
  REQUEST_DEADLINE_MS: integer(1, 300_000).default(5_000),
  SHUTDOWN_DRAIN_MS: integer(0, 600_000).default(10_000),
  CLIENT_RATE_LIMIT: z
    .string()
    .regex(/^[1-9]\d*\/[1-9]\d*$/, { error: 'expected <max>/<seconds>, e.g. 600/60' })
    .default('600/60'),
  CLIENT_RATE_LIMIT_TIERS: z
    .string()
    .transform((value, ctx) => {
      const tiers = new Map<string, { max: number; windowSeconds: number }>();
      for (const entry of value.split(',').map((part) => part.trim())) {
        const match = TIER_LIMIT.exec(entry);
        if (match === null || tiers.has(match[1]!)) {
          const why = match === null ? `${JSON.stringify(entry)} is not <tier>=<max>/<seconds>` : `tier ${match[1]} is given twice`;
          ctx.addIssue({ code: 'custom', message: `expected <tier>=<max>/<seconds>, comma-separated, e.g. premium=1200/60,partner=6000/60: ${why}` });
          return z.NEVER;
        }
        tiers.set(match[1]!, { max: Number(match[2]), windowSeconds: Number(match[3]) });
      }
      return tiers;
    })
    .optional(),
  RATE_LIMIT_TIER_CLAIM: z
    .string()
    .regex(/^\S{1,200}$/, { error: 'expected a JWT claim name such as tier or https://example.com/tier' })
    .default('tier'),
  GATEWAY_CONFIG: z.string().optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'expected json or pretty' }).default('json'),
  PERSISTED_QUERIES: z.enum(['apq', 'only', 'off'], { error: 'expected apq, only or off' }).default('apq'),
  PERSISTED_QUERIES_MANIFEST: z.string().optional(),
  METRICS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,40}$/, { error: 'expected a Prometheus name prefix such as gateway_' })
    .default('gateway_'),
  SYNC_TOKEN_TTL_SECONDS: integer(60, 366 * 24 * 3600).default(30 * 24 * 3600),
  OPS_PORT: integer(0, 65535).optional(),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()))
    .pipe(
      z.array(
        z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
          error: 'expected * or comma-separated origins such as https://app.example.com,http://localhost:3000',
        }),
      ),
    )
    .optional(),
  OPS_TOKEN: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
  CLIENT_LABELS_MAX: integer(1, 1000).default(50),
  GATEWAY_EXECUTOR: z.enum(EXECUTORS, { error: `expected ${EXECUTORS.join(' or ')}` }).default(DEFAULT_EXECUTION_SETTINGS.executor),
});

/**
 * Every environment variable the gateway reads for an app (deployment manifests are
 * checked against it): the engine's own and each backend's URL variable.
 */
export function envVariables(services: ServiceCatalog): readonly string[] {
  return [...Object.keys(envSchema.shape), ...Object.values(services).map((service) => service.urlEnv)];
}

const rate = z.number({ error: 'expected a number from 0 to 1' }).gt(0, { error: 'expected a number above 0 and at most 1' }).max(1, {
  error: 'expected a number above 0 and at most 1',
});

/** A number (fractions allowed) in the GATEWAY_CONFIG JSON file. */
const jsonNumber = (min: number, max: number) => {
  const message = { error: `expected a number from ${min} to ${max}` };
  return z.number(message).min(min, message).max(max, message);
};
/** Half-open trials, for every breaker kind. */
const breakerTrialKeys = {
  halfOpenCalls: jsonInteger(1, 1000).optional(),
  successThreshold: jsonInteger(1, 1000).optional(),
};
/** Slow calls, for the kinds with a window of calls (a slow call has no place in a count of failures in a row). */
const slowCallKeys = {
  slowCallMs: jsonInteger(1, 600_000).optional(),
  slowCallRate: rate.optional(),
};
const slowCallsTogether = (b: { slowCallMs?: number | undefined; slowCallRate?: number | undefined }): boolean =>
  (b.slowCallMs === undefined) === (b.slowCallRate === undefined);
const slowCallsTogetherError = { error: 'slowCallMs and slowCallRate go together: set both or neither', path: ['slowCallRate'] };

const breakerSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('consecutive'), threshold: jsonInteger(1, 1000), ...breakerTrialKeys }).strict(),
    z
      .object({
        kind: z.literal('count'),
        failureRate: rate,
        windowSize: jsonInteger(1, 10_000),
        minimumCalls: jsonInteger(1, 10_000).optional(),
        ...breakerTrialKeys,
        ...slowCallKeys,
      })
      .strict()
      .refine((b) => b.minimumCalls === undefined || b.minimumCalls <= b.windowSize, {
        error: 'minimumCalls must not exceed windowSize',
      })
      .refine(slowCallsTogether, slowCallsTogetherError),
    z
      .object({
        kind: z.literal('sampling'),
        failureRate: rate,
        windowMs: jsonInteger(100, 3_600_000),
        minimumRps: z.number().min(0).optional(),
        ...breakerTrialKeys,
        ...slowCallKeys,
      })
      .strict()
      .refine(slowCallsTogether, slowCallsTogetherError),
  ],
  {
    error:
      'expected kind "consecutive" (threshold), "count" (failureRate, windowSize, minimumCalls, slowCallMs, slowCallRate) or "sampling" (failureRate, windowMs, minimumRps, slowCallMs, slowCallRate), each with optional halfOpenCalls and successThreshold',
  },
);

/** GATEWAY_CONFIG `services.<name>`; a schema `@source` is checked against it too (src/connectors/source-settings.ts). */
export const serviceOverrideSchema = z
  .object({
    url: httpUrl.optional(),
    timeoutMs: jsonInteger(1, 120_000).optional(),
    maxRetries: jsonInteger(0, 10).optional(),
    backoff: z
      .object({ initialDelayMs: jsonInteger(0, 60_000).optional(), maxDelayMs: jsonInteger(0, 600_000).optional() })
      .strict()
      .optional(),
    retry: z
      .object({ jitter: z.enum(JITTER_KINDS, { error: `expected one of ${JITTER_KINDS.map((kind) => `"${kind}"`).join(', ')}` }).optional() })
      .strict()
      .optional(),
    retryBudget: z.object({ ratio: jsonNumber(0, 1).optional(), minPerSecond: jsonNumber(0, 100_000).optional() }).strict().optional(),
    breaker: breakerSchema.optional(),
    halfOpenAfterMs: jsonInteger(1, 3_600_000).optional(),
    bulkhead: z
      .object({ maxConcurrent: jsonInteger(1, 100_000).optional(), maxQueue: jsonInteger(0, 1_000_000).optional() })
      .strict()
      .optional(),
    maxBatchSize: jsonInteger(1, 1000).optional(),
    connections: jsonInteger(1, 1024).optional(),
    cache: z
      .object({ freshMs: jsonInteger(0, 7 * 86_400_000), staleMs: jsonInteger(0, 30 * 86_400_000) })
      .strict()
      .refine((ttl) => ttl.freshMs <= ttl.staleMs, { error: 'freshMs must not exceed staleMs' })
      .optional(),
  })
  .strict();

const cacheFileSchema = z
  .object({
    keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, { error: 'expected 1-32 letters, digits or _.-' }).optional(),
    l1MaxEntries: jsonInteger(1, 10_000_000).optional(),
    redisTimeoutMs: jsonInteger(1, 10_000).optional(),
    redisBreakerThreshold: jsonInteger(1, 1000).optional(),
    redisHalfOpenAfterMs: jsonInteger(1, 3_600_000).optional(),
  })
  .strict();

const limitsFileSchema = z
  .object({
    maxDepth: jsonInteger(1, 100).optional(),
    maxAliases: jsonInteger(0, 1000).optional(),
    maxDirectives: jsonInteger(0, 1000).optional(),
    maxTokens: jsonInteger(10, 1_000_000).optional(),
    maxSelections: jsonInteger(1, 10_000_000).optional(),
    maxOverlaps: jsonInteger(0, 100_000_000).optional(),
    maxCost: jsonInteger(1, 100_000_000).optional(),
    defaultListSize: jsonInteger(1, 10_000).optional(),
    maxBodyBytes: jsonInteger(1024, 100 * 1024 * 1024).optional(),
    maxBatch: jsonInteger(1, 1000).optional(),
    headersTimeoutMs: jsonInteger(100, 600_000).optional(),
    requestTimeoutMs: jsonInteger(100, 3_600_000).optional(),
  })
  .strict()
  .refine((l) => l.headersTimeoutMs === undefined || l.requestTimeoutMs === undefined || l.headersTimeoutMs <= l.requestTimeoutMs, {
    error: 'headersTimeoutMs must not exceed requestTimeoutMs',
  });

const persistedQueriesFileSchema = z
  .object({
    maxMemoryBytes: jsonInteger(1024, 1024 * 1024 * 1024).optional(),
    maxRedisBytes: jsonInteger(1024, 16 * 1024 * 1024 * 1024).optional(),
    unusedTtlMs: jsonInteger(1000, 7 * 86_400_000).optional(),
    usedTtlMs: jsonInteger(1000, 30 * 86_400_000).optional(),
    registrationsPerMinute: jsonInteger(1, 100_000).optional(),
  })
  .strict();

const fieldRateLimitsSchema = z.record(
  z.string().regex(/^[A-Z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected a field coordinate such as Query.recommendations' }),
  z
    .object({
      max: jsonInteger(1, 1_000_000_000),
      window: z.string().regex(/^\d+\s*(ms|s|m|h|d)$/, { error: 'expected a window such as "60s", "5m" or "1h"' }),
    })
    .strict(),
);

const jwksFileSchema = z
  .object({
    timeoutMs: jsonInteger(1, 60_000).optional(),
    cooldownMs: jsonInteger(0, 3_600_000).optional(),
    maxAgeMs: jsonInteger(1000, 7 * 86_400_000).optional(),
  })
  .strict();

const gatewayFileSchema = z
  .object({
    cache: cacheFileSchema.optional(),
    jwks: jwksFileSchema.optional(),
    limits: limitsFileSchema.optional(),
    persistedQueries: persistedQueriesFileSchema.optional(),
    rateLimits: fieldRateLimitsSchema.optional(),
    clients: clientsFileSchema.optional(),
    execution: executionFileSchema.optional(),
    // Names are checked against the app's services in loadConfig (the schema cannot know them).
    services: z.record(z.string(), serviceOverrideSchema).optional(),
  })
  .strict();

/** Used when neither the registry nor GATEWAY_CONFIG says otherwise. */
const DEFAULT_BREAKER: BreakerSettings = { kind: 'consecutive', threshold: 5 };
const DEFAULT_BACKOFF = { initialDelayMs: 50, maxDelayMs: 500 };

type ServiceOverride = z.infer<typeof serviceOverrideSchema>;
type GatewayFile = {
  services: Partial<Record<string, ServiceOverride>>;
  cache: z.infer<typeof cacheFileSchema>;
  limits: z.infer<typeof limitsFileSchema>;
  persistedQueries: z.infer<typeof persistedQueriesFileSchema>;
  rateLimits: z.infer<typeof fieldRateLimitsSchema>;
  clients?: z.infer<typeof clientsFileSchema>;
  jwks?: z.infer<typeof jwksFileSchema>;
  execution?: z.infer<typeof executionFileSchema>;
};

const DEFAULT_CACHE: Omit<CacheSettings, 'redisUrl'> = {
  keyPrefix: 'mgw',
  l1MaxEntries: 10_000,
  redisTimeoutMs: 50,
  redisBreakerThreshold: 3,
  redisHalfOpenAfterMs: 1000,
};

export interface LoadConfigOptions<Catalog extends ServiceCatalog = ServiceCatalog> {
  /**
   * The app's backends: each one's URL variable and default settings (the app's service
   * definitions, and the schema's `@source`s, satisfy this).
   */
  services: Catalog;
  /** Read GATEWAY_CONFIG files through this (tests). */
  readFile?: (path: string) => string;
  /**
   * Fall back to the public development secrets when JWT_SECRET or SYNC_TOKEN_SECRET
   * is unset: only the demo (`npm start`) and local tools pass true, and never with
   * NODE_ENV=production. Anything else (`npm run gateway`, the image) must be given
   * real secrets whatever NODE_ENV says: a typo in NODE_ENV must not let anyone mint tokens.
   * @default false
   */
  allowDevSecrets?: boolean;
}

/**
 * Reads and validates the configuration from environment variables (README "Configuration")
 * and the optional GATEWAY_CONFIG file. Throws a ConfigError listing every problem.
 */
export function loadConfig<Catalog extends ServiceCatalog>(
  env: Record<string, string | undefined>,
  options: LoadConfigOptions<Catalog>,
): GatewayConfig<keyof Catalog & string> {
  // An empty or blank variable means "unset": `FOO= npm run gateway` must not become 0 or "".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const problems: string[] = [];
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '(root)');
      const value = present[key];
      const message = value === undefined && issue.code === 'invalid_type' ? 'required' : issue.message;
      problems.push(`${key}: ${message} (${describeValue(key, value)})`);
    }
  }
  for (const { urlEnv } of Object.values(options.services)) {
    const value = present[urlEnv];
    const url = httpUrl.safeParse(value);
    if (!url.success) problems.push(`${urlEnv}: ${value === undefined ? 'required' : url.error.issues[0]!.message} (${describeValue(urlEnv, value)})`);
  }
  // Checked on the raw variables so that every problem is reported in one go.
  const devSecretsAllowed = options.allowDevSecrets === true && present.NODE_ENV !== 'production';
  if (!devSecretsAllowed) {
    const why =
      present.NODE_ENV === 'production'
        ? 'required when NODE_ENV=production'
        : `required (at least ${MIN_SECRET_BYTES} bytes; only \`npm start\` falls back to development secrets)`;
    // With an identity provider (JWT_JWKS_URL), HS256 is optional: off without JWT_SECRET.
    if (present.JWT_SECRET === undefined && present.JWT_JWKS_URL === undefined) {
      problems.push(`JWT_SECRET: ${why}, or set JWT_JWKS_URL to verify tokens of an identity provider`);
    }
    if (present.SYNC_TOKEN_SECRET === undefined) problems.push(`SYNC_TOKEN_SECRET: ${why}`);
  }
  let file: GatewayFile = { services: {}, cache: {}, limits: {}, persistedQueries: {}, rateLimits: {} };
  if (present.GATEWAY_CONFIG !== undefined) {
    try {
      file = readGatewayFile(present.GATEWAY_CONFIG, options.readFile ?? ((path) => readFileSync(path, 'utf8')));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  let manifest: ReadonlyMap<string, string> = new Map();
  if (present.PERSISTED_QUERIES === 'only') {
    if (present.PERSISTED_QUERIES_MANIFEST === undefined) {
      problems.push('PERSISTED_QUERIES_MANIFEST: required when PERSISTED_QUERIES=only (a JSON file of trusted operations)');
    } else {
      try {
        manifest = readManifest(present.PERSISTED_QUERIES_MANIFEST, options.readFile ?? ((path) => readFileSync(path, 'utf8')));
      } catch (error) {
        if (error instanceof ConfigError) problems.push(...error.problems);
        else throw error;
      }
    }
  }
  problems.push(...jwksProblems(present, file));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const vars = parsed.data as z.infer<typeof envSchema> & Record<string, string>;
  const production = vars.NODE_ENV === 'production';

  if (vars.OPS_PORT !== undefined && vars.OPS_PORT !== 0 && vars.OPS_PORT === vars.PORT) {
    problems.push(`OPS_PORT: must differ from PORT (got ${vars.OPS_PORT} for both)`);
  }
  const [max, windowSeconds] = vars.CLIENT_RATE_LIMIT.split('/').map(Number) as [number, number];
  const unknownServices = Object.keys(file.services).filter((name) => options.services[name] === undefined);
  if (unknownServices.length > 0) {
    problems.push(`GATEWAY_CONFIG ${present.GATEWAY_CONFIG} at services: unknown key(s) ${unknownServices.join(', ')}`);
  }
  const services = {} as Record<keyof Catalog & string, ServiceSettings>;
  for (const [name, { urlEnv, defaults }] of Object.entries(options.services) as [keyof Catalog & string, ServiceCatalog[string]][]) {
    const override = file.services[name] ?? {};
    const breaker = override.breaker ?? defaults.breaker ?? DEFAULT_BREAKER;
    const backoff = { ...DEFAULT_BACKOFF, ...override.backoff };
    if (backoff.initialDelayMs > backoff.maxDelayMs) {
      problems.push(`GATEWAY_CONFIG at services.${name}.backoff: initialDelayMs must not exceed maxDelayMs`);
    }
    if (override.retry?.jitter === 'decorrelated' && backoff.initialDelayMs === 0) {
      // Each decorrelated delay grows from the previous one: from 0 it stays 0.
      problems.push(`GATEWAY_CONFIG at services.${name}.retry.jitter: "decorrelated" needs backoff.initialDelayMs of at least 1`);
    }
    const timeoutMs = override.timeoutMs ?? defaults.timeoutMs ?? vars.UPSTREAM_TIMEOUT_MS;
    if (breaker.kind !== 'consecutive' && breaker.slowCallMs !== undefined && breaker.slowCallMs >= timeoutMs) {
      problems.push(
        `GATEWAY_CONFIG at services.${name}.breaker.slowCallMs: expected less than the service's timeoutMs (${timeoutMs}), got ${breaker.slowCallMs}: no call can be slower than its timeout (it fails as a timeout)`,
      );
    }
    services[name] = {
      url: override.url ?? String(present[urlEnv]),
      timeoutMs,
      maxBatchSize: override.maxBatchSize ?? defaults.maxBatchSize,
      connections: override.connections ?? defaults.connections,
      retry: {
        maxRetries: override.maxRetries ?? defaults.maxRetries ?? vars.UPSTREAM_MAX_RETRIES,
        ...backoff,
        jitter: override.retry?.jitter ?? DEFAULT_JITTER,
        budget: { ...DEFAULT_RETRY_BUDGET, ...override.retryBudget },
      },
      breaker: withBreakerDefaults(breaker),
      halfOpenAfterMs: override.halfOpenAfterMs ?? defaults.halfOpenAfterMs ?? vars.BREAKER_HALF_OPEN_AFTER_MS,
      bulkhead: { ...defaults.bulkhead, ...override.bulkhead },
      cache: override.cache ?? defaults.cache,
    };
  }
  if (file.jwks?.timeoutMs !== undefined && file.jwks.timeoutMs >= vars.REQUEST_DEADLINE_MS) {
    problems.push(
      `GATEWAY_CONFIG at jwks.timeoutMs: expected less than REQUEST_DEADLINE_MS (${vars.REQUEST_DEADLINE_MS}), got ${file.jwks.timeoutMs}: a request may wait this long for the identity provider's keys`,
    );
  }
  const apq = { ...DEFAULT_APQ_LIMITS, ...file.persistedQueries };
  if (apq.unusedTtlMs > apq.usedTtlMs) {
    problems.push(`GATEWAY_CONFIG at persistedQueries: unusedTtlMs (${apq.unusedTtlMs}) must not exceed usedTtlMs (${apq.usedTtlMs})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Without JWT_JWKS_URL a missing JWT_SECRET was refused above unless this is the demo:
  // the fallback is the demo's. With it, HS256 is off unless JWT_SECRET is set, except in
  // the demo, whose printed token is still signed with the development secret.
  const jwtSecret = vars.JWT_SECRET ?? (vars.JWT_JWKS_URL === undefined || devSecretsAllowed ? DEV_JWT_SECRET : null);

  return {
    port: vars.PORT,
    host: vars.HOST,
    nodeEnv: vars.NODE_ENV,
    production,
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT,
    metricsPrefix: vars.METRICS_PREFIX,
    jwtSecret,
    jwks: jwksSettings(vars, file.jwks),
    syncTokenSecret: vars.SYNC_TOKEN_SECRET ?? DEV_SYNC_TOKEN_SECRET,
    usingDevSecrets: jwtSecret === DEV_JWT_SECRET || vars.SYNC_TOKEN_SECRET === undefined,
    redisUrl: vars.REDIS_URL ?? null,
    cache: { ...DEFAULT_CACHE, ...file.cache, redisUrl: vars.REDIS_URL ?? null },
    services,
    requestDeadlineMs: vars.REQUEST_DEADLINE_MS,
    shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
    clientRateLimit: { max, windowSeconds },
    clientRateLimitTiers: vars.CLIENT_RATE_LIMIT_TIERS ?? new Map(),
    rateLimitTierClaim: vars.RATE_LIMIT_TIER_CLAIM,
    limits: { ...DEFAULT_QUERY_LIMITS, ...file.limits },
    fieldRateLimits: file.rateLimits,
    persistedQueries: { mode: vars.PERSISTED_QUERIES, manifest, apq },
    syncTokenTtlSeconds: vars.SYNC_TOKEN_TTL_SECONDS,
    opsPort: vars.OPS_PORT ?? null,
    opsToken: vars.OPS_TOKEN ?? null,
    corsOrigins: vars.CORS_ORIGINS ?? null,
    clientLabelsMax: vars.CLIENT_LABELS_MAX,
    clients: { ...DEFAULT_CLIENT_SETTINGS, ...file.clients },
    execution: { ...DEFAULT_EXECUTION_SETTINGS, ...file.execution, executor: vars.GATEWAY_EXECUTOR },
  };
}

// Private:

function withBreakerDefaults(breaker: z.infer<typeof breakerSchema>): BreakerSettings {
  switch (breaker.kind) {
    case 'consecutive':
      return breaker;
    case 'count':
      return { ...breaker, minimumCalls: breaker.minimumCalls ?? breaker.windowSize };
    case 'sampling':
      return { ...breaker, minimumRps: breaker.minimumRps ?? 1 };
  }
}

/** What an error message may show of a value: never secrets, never URL credentials. */
function describeValue(key: string, value: string | undefined): string {
  if (value === undefined) return 'it is not set';
  if (/SECRET|PASSWORD|TOKEN/.test(key)) return 'got a value';
  return `got ${JSON.stringify(value.replace(/\/\/[^/@\s]*@/, '//***@'))}`;
}

/**
 * JWT_ISSUER, JWT_AUDIENCE, JWT_USER_CLAIM and GATEWAY_CONFIG `jwks` describe the tokens
 * of JWT_JWKS_URL: set without it they would check nothing (HS256 tokens are checked for
 * `sub` and `exp` only), so they are refused. In production an identity provider's
 * tokens must name their issuer and audience: any other service of the same provider
 * could otherwise sign tokens this gateway accepts.
 */
function jwksProblems(present: Record<string, string | undefined>, file: GatewayFile): string[] {
  const problems: string[] = [];
  if (present.JWT_JWKS_URL === undefined) {
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_USER_CLAIM'] as const) {
      if (present[key] !== undefined) problems.push(`${key}: only applies to tokens verified with JWT_JWKS_URL, which is not set (${describeValue(key, present[key])})`);
    }
    if (file.jwks !== undefined) problems.push(`GATEWAY_CONFIG ${present.GATEWAY_CONFIG} at jwks: only applies with JWT_JWKS_URL, which is not set`);
  } else if (present.NODE_ENV === 'production') {
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
      if (present[key] === undefined) problems.push(`${key}: required when NODE_ENV=production and JWT_JWKS_URL is set`);
    }
  }
  return problems;
}

function jwksSettings(vars: z.infer<typeof envSchema>, file: GatewayFile['jwks']): JwksSettings | null {
  if (vars.JWT_JWKS_URL === undefined) return null;
  return {
    url: vars.JWT_JWKS_URL,
    issuer: vars.JWT_ISSUER ?? null,
    audience: vars.JWT_AUDIENCE ?? null,
    userClaim: vars.JWT_USER_CLAIM ?? 'sub',
    // Well under the request's budget: a request waits for a key-set fetch at most this long.
    timeoutMs: file?.timeoutMs ?? Math.min(DEFAULT_JWKS_TIMINGS.timeoutMs, Math.max(1, Math.floor(vars.REQUEST_DEADLINE_MS / 2))),
    cooldownMs: file?.cooldownMs ?? DEFAULT_JWKS_TIMINGS.cooldownMs,
    maxAgeMs: file?.maxAgeMs ?? DEFAULT_JWKS_TIMINGS.maxAgeMs,
  };
}

function readGatewayFile(path: string, readFile: (path: string) => string): GatewayFile {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ConfigError([`GATEWAY_CONFIG: ${path} ${reason} (${(error as Error).message})`]);
  }
  const parsed = gatewayFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const at = issue.path.join('.');
        const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
        return `GATEWAY_CONFIG ${path}${at === '' ? '' : ` at ${at}`}: ${message}`;
      }),
    );
  }
  return {
    services: parsed.data.services ?? {},
    cache: parsed.data.cache ?? {},
    limits: parsed.data.limits ?? {},
    persistedQueries: parsed.data.persistedQueries ?? {},
    rateLimits: parsed.data.rateLimits ?? {},
    ...(parsed.data.clients === undefined ? {} : { clients: parsed.data.clients }),
    ...(parsed.data.jwks === undefined ? {} : { jwks: parsed.data.jwks }),
    ...(parsed.data.execution === undefined ? {} : { execution: parsed.data.execution }),
  };
}

/**
 * A trusted-documents manifest: `{ "<sha256 hex>": "query …" }`, or Apollo's
 * `{ "operations": [{ "id": "<sha256>", "body": "query …" }] }`. Every id must be the
 * SHA-256 of its body, so a manifest cannot smuggle in a document under another hash.
 */
function readManifest(path: string, readFile: (path: string) => string): ReadonlyMap<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    throw new ConfigError([`PERSISTED_QUERIES_MANIFEST: ${path} cannot be read as JSON (${(error as Error).message})`]);
  }
  const entries: [string, unknown][] =
    typeof json === 'object' && json !== null && Array.isArray((json as { operations?: unknown }).operations)
      ? ((json as { operations: { id?: unknown; body?: unknown }[] }).operations.map((op) => [String(op.id), op.body]) as [string, unknown][])
      : Object.entries((json ?? {}) as Record<string, unknown>);
  const manifest = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, body] of entries) {
    if (typeof body !== 'string') {
      problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: operation ${id} has no document`);
      continue;
    }
    const hash = createHash('sha256').update(body).digest('hex');
    if (hash !== id) problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: ${id} is not the sha256 of its document (${hash})`);
    else manifest.set(id, body);
  }
  if (manifest.size === 0 && problems.length === 0) problems.push(`PERSISTED_QUERIES_MANIFEST ${path}: no operations`);
  if (problems.length > 0) throw new ConfigError(problems);
  return manifest;
}
