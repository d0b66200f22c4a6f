import type { GraphQLRateLimitDirectiveArgs } from '@envelop/rate-limiter';
import { getFieldIdentity } from '@envelop/rate-limiter/get-graphql-rate-limiter';
import { defaultFieldResolver, getDirectiveValues, isObjectType, type GraphQLSchema } from 'graphql';
import { fieldRateLimited } from '../errors/client-errors.js';
import type { SlidingWindowLimiter } from './sliding-window-limiter.js';

export interface FieldRateLimitOptions {
  /** The counts (Redis, else this instance's bounded memory). */
  limiter: SlidingWindowLimiter;
  /** Namespace of the keys in Redis. */
  keyPrefix: string;
  /** Who is calling: `user:<id>` or `ip:<address>`. */
  identify(context: unknown): string;
  /** Told about every refused field (metrics). */
  onLimited?(fieldName: string): void;
  /** Limits by `Type.field` that replace (or add to) the schema's directives. */
  overrides?: Readonly<Record<string, { max: number; window: string }>>;
}

/** @envelop/rate-limiter's defaults for a directive without `max` or `window`. */
const DEFAULT_MAX = 5;
const DEFAULT_WINDOW = '60s';

/**
 * Enforces `@rateLimit` (@envelop/rate-limiter's directive: schema/directives.graphql is its
 * DIRECTIVE_SDL) on the fields that carry it. Not with the library's plugin: it aborts the
 * whole operation when one field is over its limit (all data lost, HTTP 200, no code). Nor
 * with its limiter: that reads a client's whole list of call timestamps from its store and
 * writes it back on every call (O(calls) per check, two Redis round trips, and its
 * InMemoryStore copies every client's state on each call and never forgets one). Here each
 * call is one atomic take on the sliding-window limiter (O(1), one script in Redis), keyed
 * by the library's field identity (`identityArgs`). The field alone fails, with
 * RATE_LIMITED, `retryable` and `retryAfter`, and every other field still resolves. Each
 * alias of a limited field is one call (the take is atomic, so concurrent aliases cannot
 * all see the same count): aliasing cannot multiply the quota. Refused calls count
 * nothing (as with `uncountRejected: true`): a client retrying too early does not push
 * its own retry further away.
 */
export function applyFieldRateLimits(schema: GraphQLSchema, options: FieldRateLimitOptions): GraphQLSchema {
  const directive = schema.getDirective('rateLimit');
  const overrides = options.overrides ?? {};
  for (const coordinate of Object.keys(overrides)) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    if (!isObjectType(type) || type.getFields()[fieldName] === undefined) {
      throw new TypeError(`GATEWAY_CONFIG rateLimits: ${coordinate} is not a field of the schema`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const fromDirective =
        directive === undefined || directive === null || field.astNode === undefined || field.astNode === null
          ? undefined
          : (getDirectiveValues(directive, field.astNode) as GraphQLRateLimitDirectiveArgs | undefined);
      const config: GraphQLRateLimitDirectiveArgs | undefined = overrides[`${type.name}.${field.name}`] ?? fromDirective;
      if (config === undefined) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const coordinate = `${type.name}.${field.name}`;
      const limit = { max: config.max ?? DEFAULT_MAX, windowMs: windowMs(config.window ?? DEFAULT_WINDOW, coordinate) };
      const identityArgs = config.identityArgs ?? [];
      const lengthField = config.arrayLengthField;
      const count = config.readOnly !== true;
      field.resolve = async (source, args, context, info) => {
        const identity = getFieldIdentity(coordinate, identityArgs, args);
        const list: unknown = lengthField === undefined ? undefined : (args as Record<string, unknown>)[lengthField];
        const weight = Array.isArray(list) && list.length > 0 ? list.length : 1;
        const decision = await options.limiter.take(`${options.keyPrefix}:rl:window:field:${options.identify(context)}:${identity}`, limit, {
          weight,
          count,
        });
        if (!decision.allowed) {
          options.onLimited?.(info.fieldName);
          throw fieldRateLimited(info.fieldName, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

// Private:

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "60s", "5m", "1h": the windows of the schema's directives and of GATEWAY_CONFIG `rateLimits`. */
function windowMs(window: string, coordinate: string): number {
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(window.trim());
  if (match === null) throw new TypeError(`@rateLimit on ${coordinate}: window must look like "60s", "5m" or "1h", got "${window}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
