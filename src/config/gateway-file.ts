import { z } from 'zod';
import type { CacheSettings } from '../cache/cache-settings.js';
import { clientsFileSchema } from '../edge/client-settings.js';
import { executionFileSchema } from '../execution/execution-settings.js';
import { JITTER_KINDS } from '../upstream/jitter.js';
import type { BreakerSettings } from '../upstream/service-settings.js';
import { ConfigError } from './config-error.js';
import { httpUrl, jsonInteger, rangeMessage } from './env-schema.js';

/** The optional GATEWAY_CONFIG JSON file: its schema, its defaults, and reading it. */

export const rate = z.number({ error: 'expected a number from 0 to 1' }).gt(0, { error: 'expected a number above 0 and at most 1' }).max(1, {
  error: 'expected a number above 0 and at most 1',
});

/** A number (fractions allowed) in the GATEWAY_CONFIG JSON file. */
export const jsonNumber = (min: number, max: number) => {
  const message = { error: `expected a number from ${min} to ${max}` };
  return z.number(message).min(min, message).max(max, message);
};
/** Half-open trials, for every breaker kind. */
export const breakerTrialKeys = {
  halfOpenCalls: jsonInteger(1, 1000).optional(),
  successThreshold: jsonInteger(1, 1000).optional(),
};
/** Slow calls, for the kinds with a window of calls (a slow call has no place in a count of failures in a row). */
export const slowCallKeys = {
  slowCallMs: jsonInteger(1, 600_000).optional(),
  slowCallRate: rate.optional(),
};
export const slowCallsTogether = (b: { slowCallMs?: number | undefined; slowCallRate?: number | undefined }): boolean =>
  (b.slowCallMs === undefined) === (b.slowCallRate === undefined);
export const slowCallsTogetherError = { error: 'slowCallMs and slowCallRate go together: set both or neither', path: ['slowCallRate'] };

export const breakerSchema = z.discriminatedUnion(
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

export const cacheFileSchema = z
  .object({
    keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, { error: 'expected 1-32 letters, digits or _.-' }).optional(),
    l1MaxEntries: jsonInteger(1, 10_000_000).optional(),
    redisTimeoutMs: jsonInteger(1, 10_000).optional(),
    redisBreakerThreshold: jsonInteger(1, 1000).optional(),
    redisHalfOpenAfterMs: jsonInteger(1, 3_600_000).optional(),
  })
  .strict();

export const limitsFileSchema = z
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

export const persistedQueriesFileSchema = z
  .object({
    maxMemoryBytes: jsonInteger(1024, 1024 * 1024 * 1024).optional(),
    maxRedisBytes: jsonInteger(1024, 16 * 1024 * 1024 * 1024).optional(),
    unusedTtlMs: jsonInteger(1000, 7 * 86_400_000).optional(),
    usedTtlMs: jsonInteger(1000, 30 * 86_400_000).optional(),
    registrationsPerMinute: jsonInteger(1, 100_000).optional(),
  })
  .strict();

export const fieldRateLimitsSchema = z.record(
  z.string().regex(/^[A-Z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected a field coordinate such as Query.recommendations' }),
  z
    .object({
      max: jsonInteger(1, 1_000_000_000),
      window: z.string().regex(/^\d+\s*(ms|s|m|h|d)$/, { error: 'expected a window such as "60s", "5m" or "1h"' }),
    })
    .strict(),
);

export const jwksFileSchema = z
  .object({
    timeoutMs: jsonInteger(1, 60_000).optional(),
    cooldownMs: jsonInteger(0, 3_600_000).optional(),
    maxAgeMs: jsonInteger(1000, 7 * 86_400_000).optional(),
  })
  .strict();

export const gatewayFileSchema = z
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
export const DEFAULT_BREAKER: BreakerSettings = { kind: 'consecutive', threshold: 5 };
export const DEFAULT_BACKOFF = { initialDelayMs: 50, maxDelayMs: 500 };

export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;
export type GatewayFile = {
  services: Partial<Record<string, ServiceOverride>>;
  cache: z.infer<typeof cacheFileSchema>;
  limits: z.infer<typeof limitsFileSchema>;
  persistedQueries: z.infer<typeof persistedQueriesFileSchema>;
  rateLimits: z.infer<typeof fieldRateLimitsSchema>;
  clients?: z.infer<typeof clientsFileSchema>;
  jwks?: z.infer<typeof jwksFileSchema>;
  execution?: z.infer<typeof executionFileSchema>;
};

export const DEFAULT_CACHE: Omit<CacheSettings, 'redisUrl'> = {
  keyPrefix: 'mgw',
  l1MaxEntries: 10_000,
  redisTimeoutMs: 50,
  redisBreakerThreshold: 3,
  redisHalfOpenAfterMs: 1000,
};

export function readGatewayFile(path: string, readFile: (path: string) => string): GatewayFile {
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
