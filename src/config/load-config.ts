import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { DEFAULT_APQ_LIMITS } from '../edge/apq-limits.js';
import { DEFAULT_CLIENT_SETTINGS } from '../edge/client-settings.js';
import { DEFAULT_JWKS_TIMINGS, type JwksSettings } from '../edge/jwks-settings.js';
import { DEFAULT_QUERY_LIMITS } from '../edge/query-limits.js';
import { DEFAULT_EXECUTION_SETTINGS } from '../execution/execution-settings.js';
import type { ServiceCatalog } from '../services/service-definition.js';
import { ConfigError } from './config-error.js';
import { DEV_JWT_SECRET, DEV_SYNC_TOKEN_SECRET } from './dev-secrets.js';
import { envSchema, httpUrl, MIN_SECRET_BYTES } from './env-schema.js';
import type { GatewayConfig } from './gateway-config.js';
import { DEFAULT_CACHE, readGatewayFile, type GatewayFile } from './gateway-file.js';
import { resolveServiceSettings } from './service-settings.js';
import { readManifest } from './trusted-documents-manifest.js';

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
    // Set by hand, the development secrets are as public as the fallback was: anyone who
    // reads the source could mint tokens.
    for (const [key, devValue] of [['JWT_SECRET', DEV_JWT_SECRET], ['SYNC_TOKEN_SECRET', DEV_SYNC_TOKEN_SECRET]] as const) {
      if (present[key] === devValue) problems.push(`${key}: is the public development secret (only \`npm start\` may use it); set a secret of your own`);
    }
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
  const services = resolveServiceSettings(options.services, file.services, {
    env: present,
    timeoutMs: vars.UPSTREAM_TIMEOUT_MS,
    maxRetries: vars.UPSTREAM_MAX_RETRIES,
    halfOpenAfterMs: vars.BREAKER_HALF_OPEN_AFTER_MS,
    problems,
  });
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
