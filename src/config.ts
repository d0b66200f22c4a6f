import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SERVICE_NAMES, SERVICE_REGISTRY, type ServiceName } from './services/service-registry.js';
import type { ServiceSettings } from './upstream/service-client.js';

/** The gateway's whole configuration, validated. */
export interface GatewayConfig {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  nodeEnv: string;
  /** `NODE_ENV=production`: no introspection or GraphiQL, masked errors, secrets required. */
  production: boolean;
  logLevel: LogLevel;
  jwtSecret: string;
  syncTokenSecret: string;
  /** True when a secret fell back to the development default (never in production). */
  usingDevSecrets: boolean;
  /** Redis for the shared L2 cache, persisted queries and rate limits; null = in-memory only. */
  redisUrl: string | null;
  services: Record<ServiceName, ServiceSettings>;
  breakerHalfOpenAfterMs: number;
  clientRateLimit: { max: number; windowSeconds: number };
  /** Lifetime of a delta-sync token. */
  syncTokenTtlSeconds: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Every problem of the configuration, one line each, naming the variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Development-only secrets: `npm start` and local runs; refused in production. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_SYNC_TOKEN_SECRET = 'dev-only-sync-token-secret-change-me-0123';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:4001' });

const envSchema = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  ...(Object.fromEntries(SERVICE_NAMES.map((name) => [SERVICE_REGISTRY[name].urlEnv, httpUrl])) as Record<
    string,
    typeof httpUrl
  >),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional(),
  JWT_SECRET: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
  SYNC_TOKEN_SECRET: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
  UPSTREAM_TIMEOUT_MS: integer(1, 120_000).default(1000),
  UPSTREAM_MAX_RETRIES: integer(0, 10).default(2),
  BREAKER_HALF_OPEN_AFTER_MS: integer(1, 3_600_000).default(30_000),
  CLIENT_RATE_LIMIT: z
    .string()
    .regex(/^[1-9]\d*\/[1-9]\d*$/, { error: 'expected <max>/<seconds>, e.g. 600/60' })
    .default('600/60'),
  GATEWAY_CONFIG: z.string().optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  SYNC_TOKEN_TTL_SECONDS: integer(60, 366 * 24 * 3600).default(30 * 24 * 3600),
});

const serviceOverrideSchema = z
  .object({
    url: httpUrl.optional(),
    timeoutMs: integer(1, 120_000).optional(),
    maxRetries: integer(0, 10).optional(),
    maxBatchSize: integer(1, 1000).optional(),
    connections: integer(1, 1024).optional(),
  })
  .strict();

const gatewayFileSchema = z
  .object({
    services: z
      .object(Object.fromEntries(SERVICE_NAMES.map((name) => [name, serviceOverrideSchema.optional()])))
      .strict()
      .optional(),
  })
  .strict();

type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

export interface LoadConfigOptions {
  /** Read GATEWAY_CONFIG files through this (tests). */
  readFile?: (path: string) => string;
}

/**
 * Reads and validates the configuration from environment variables (CONTRACT.md §2)
 * and the optional GATEWAY_CONFIG file. Throws a ConfigError listing every problem.
 */
export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions = {}): GatewayConfig {
  // An empty variable means "unset": `FOO= npm run gateway` must not become 0 or "".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '(root)');
        const value = present[key];
        const shown = value === undefined ? 'it is not set' : /SECRET/.test(key) ? 'got a value' : `got ${JSON.stringify(value)}`;
        const message = value === undefined && issue.code === 'invalid_type' ? 'required' : issue.message;
        return `${key}: ${message} (${shown})`;
      }),
    );
  }
  const vars = parsed.data as z.infer<typeof envSchema> & Record<string, string>;
  const production = vars.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && vars.JWT_SECRET === undefined) problems.push('JWT_SECRET: required when NODE_ENV=production');
  if (production && vars.SYNC_TOKEN_SECRET === undefined) {
    problems.push('SYNC_TOKEN_SECRET: required when NODE_ENV=production');
  }

  let overrides: Partial<Record<ServiceName, ServiceOverride>> = {};
  if (vars.GATEWAY_CONFIG !== undefined) {
    try {
      overrides = readGatewayFile(vars.GATEWAY_CONFIG, options.readFile ?? ((path) => readFileSync(path, 'utf8')));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const [max, windowSeconds] = vars.CLIENT_RATE_LIMIT.split('/').map(Number) as [number, number];
  const services = {} as Record<ServiceName, ServiceSettings>;
  for (const name of SERVICE_NAMES) {
    const override = overrides[name] ?? {};
    const defaults = SERVICE_REGISTRY[name].defaults;
    services[name] = {
      url: override.url ?? String(vars[SERVICE_REGISTRY[name].urlEnv]),
      timeoutMs: override.timeoutMs ?? vars.UPSTREAM_TIMEOUT_MS,
      maxRetries: override.maxRetries ?? vars.UPSTREAM_MAX_RETRIES,
      maxBatchSize: override.maxBatchSize ?? defaults.maxBatchSize,
      connections: override.connections ?? defaults.connections,
    };
  }

  return {
    port: vars.PORT,
    host: vars.HOST,
    nodeEnv: vars.NODE_ENV,
    production,
    logLevel: vars.LOG_LEVEL,
    jwtSecret: vars.JWT_SECRET ?? DEV_JWT_SECRET,
    syncTokenSecret: vars.SYNC_TOKEN_SECRET ?? DEV_SYNC_TOKEN_SECRET,
    usingDevSecrets: vars.JWT_SECRET === undefined || vars.SYNC_TOKEN_SECRET === undefined,
    redisUrl: vars.REDIS_URL ?? null,
    services,
    breakerHalfOpenAfterMs: vars.BREAKER_HALF_OPEN_AFTER_MS,
    clientRateLimit: { max, windowSeconds },
    syncTokenTtlSeconds: vars.SYNC_TOKEN_TTL_SECONDS,
  };
}

// Private:

function readGatewayFile(
  path: string,
  readFile: (path: string) => string,
): Partial<Record<ServiceName, ServiceOverride>> {
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
  return (parsed.data.services ?? {}) as Partial<Record<ServiceName, ServiceOverride>>;
}
