import { z } from 'zod';
import type { ServiceCatalog } from '../services/service-definition.js';
import { EXECUTORS, DEFAULT_EXECUTION_SETTINGS } from '../execution/execution-settings.js';

/** The environment variables the gateway reads (README "Configuration"), validated by zod. */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const rangeMessage = (min: number, max: number) => ({ error: `expected an integer from ${min} to ${max}` });

/** An integer in an environment variable: plain decimal digits only (no " ", "0x10", "1e3"). */
export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, rangeMessage(min, max))
    .transform(Number)
    .pipe(z.number().min(min, rangeMessage(min, max)).max(max, rangeMessage(min, max)));

/** An integer in the GATEWAY_CONFIG JSON file: a JSON number, never a string or boolean coerced into one. */
export const jsonInteger = (min: number, max: number) =>
  z
    .number(rangeMessage(min, max))
    .int(rangeMessage(min, max))
    .min(min, rangeMessage(min, max))
    .max(max, rangeMessage(min, max));

/** Shorter keys are guessable offline from one captured token (HS256 is an HMAC over a known message). */
export const MIN_SECRET_BYTES = 32;
export const secret = z.string().refine((value) => Buffer.byteLength(value, 'utf8') >= MIN_SECRET_BYTES, {
  error: `expected at least ${MIN_SECRET_BYTES} bytes`,
});

/** One entry of CLIENT_RATE_LIMIT_TIERS: a tier name (as a token's claim spells it) and its limit. */
export const TIER_LIMIT = /^([A-Za-z0-9_.-]{1,64})=([1-9]\d{0,8})\/([1-9]\d{0,8})$/;

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:4001' });

export const envSchema = z.object({
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

/** The name of an environment variable the engine itself reads (each backend's URL variable is the app's: its `urlEnv`). */
export type GatewayEnvName = keyof typeof envSchema.shape;

/**
 * Every environment variable the gateway reads for an app (deployment manifests are
 * checked against it): the engine's own and each backend's URL variable.
 */
export function envVariables(services: ServiceCatalog): readonly string[] {
  return [...Object.keys(envSchema.shape), ...Object.values(services).map((service) => service.urlEnv)];
}
