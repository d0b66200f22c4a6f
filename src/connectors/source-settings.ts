import { serviceOverrideSchema } from '../config/gateway-file.js';
import type { ServiceDefaults } from '../services/service-definition.js';
import { withBreakerDefaults } from '../config/service-settings.js';

/** A source without settings: those of a service GATEWAY_CONFIG says nothing about, and no cache. */
export const SOURCE_DEFAULTS: Readonly<ServiceDefaults> = {
  maxBatchSize: 100,
  connections: 32,
  bulkhead: { maxConcurrent: 64, maxQueue: 256 },
  // Off unless asked for: a cached answer is shared by every viewer who asks the same URL.
  cache: { freshMs: 0, staleMs: 0 },
};

/** `@source`'s arguments as graphql-js coerced them. */
export interface SourceArguments {
  timeoutMs?: number;
  maxRetries?: number;
  halfOpenAfterMs?: number;
  breaker?: Record<string, unknown>;
  bulkhead?: Record<string, unknown>;
  maxBatchSize?: number;
  connections?: number;
  cacheFreshMs?: number;
  cacheStaleMs?: number;
}

/**
 * The settings a `@source` gives its backend unless GATEWAY_CONFIG `services.<name>`
 * overrides them, checked against the same rules as GATEWAY_CONFIG (ranges, breaker
 * kinds): the defaults, or a list of problems naming each argument.
 */
export function readSourceSettings(args: SourceArguments): { defaults: ServiceDefaults } | { problems: string[] } {
  const problems: string[] = [];
  if ((args.cacheFreshMs === undefined) !== (args.cacheStaleMs === undefined)) {
    problems.push('cacheFreshMs and cacheStaleMs go together: set both or neither');
  }
  const override = {
    timeoutMs: args.timeoutMs,
    maxRetries: args.maxRetries,
    halfOpenAfterMs: args.halfOpenAfterMs,
    breaker: args.breaker === undefined ? undefined : withoutNulls(args.breaker),
    bulkhead: args.bulkhead === undefined ? undefined : withoutNulls(args.bulkhead),
    maxBatchSize: args.maxBatchSize,
    connections: args.connections,
    cache: args.cacheFreshMs === undefined || args.cacheStaleMs === undefined ? undefined : { freshMs: args.cacheFreshMs, staleMs: args.cacheStaleMs },
  };
  const parsed = serviceOverrideSchema.safeParse(withoutNulls(override));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = argumentName(issue.path);
      const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
      problems.push(`${at}: ${message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) return { problems };
  const settings = parsed.data;
  const defaults: ServiceDefaults = {
    maxBatchSize: settings.maxBatchSize ?? SOURCE_DEFAULTS.maxBatchSize,
    connections: settings.connections ?? SOURCE_DEFAULTS.connections,
    bulkhead: { ...SOURCE_DEFAULTS.bulkhead, ...settings.bulkhead },
    cache: settings.cache ?? SOURCE_DEFAULTS.cache,
  };
  if (settings.timeoutMs !== undefined) defaults.timeoutMs = settings.timeoutMs;
  if (settings.maxRetries !== undefined) defaults.maxRetries = settings.maxRetries;
  if (settings.halfOpenAfterMs !== undefined) defaults.halfOpenAfterMs = settings.halfOpenAfterMs;
  if (settings.breaker !== undefined) defaults.breaker = withBreakerDefaults(settings.breaker);
  if (defaults.breaker !== undefined && defaults.breaker.kind !== 'consecutive' && defaults.breaker.slowCallMs !== undefined && defaults.timeoutMs !== undefined && defaults.breaker.slowCallMs >= defaults.timeoutMs) {
    return { problems: [`breaker.slowCallMs: expected less than timeoutMs (${defaults.timeoutMs}), got ${defaults.breaker.slowCallMs}: no call can be slower than its timeout`] };
  }
  return { defaults };
}

// Private:

/** The directive's argument a zod path is about: `cache.freshMs` is `cacheFreshMs`. */
function argumentName(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path.map(String);
  if (first === 'cache') return rest[0] === 'staleMs' ? 'cacheStaleMs' : rest[0] === 'freshMs' ? 'cacheFreshMs' : 'cacheFreshMs, cacheStaleMs';
  return [first, ...rest].join('.');
}

/** graphql-js gives an input object's absent fields as absent, but explicit nulls as null: both mean "unset" here. */
function withoutNulls<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}
