import { getGraphQLRateLimiter } from '@envelop/rate-limiter/get-graphql-rate-limiter';
import type { Store } from '@envelop/rate-limiter';
import { defaultFieldResolver, getDirectiveValues, GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';

export interface FieldRateLimitOptions {
  store: Store;
  /** Who is calling: `user:<id>` or `ip:<address>`. */
  identify(context: unknown): string;
  /** Told about every refused field (metrics). */
  onLimited?(fieldName: string): void;
  /** Limits by `Type.field` that replace (or add to) the schema's directives. */
  overrides?: Readonly<Record<string, { max: number; window: string }>>;
}

interface DirectiveArgs {
  max?: number;
  window?: string;
  message?: string;
  identityArgs?: string[];
  arrayLengthField?: string;
  readOnly?: boolean;
  uncountRejected?: boolean;
}

/**
 * Enforces `@rateLimit` on the fields that carry it, with @envelop/rate-limiter's
 * limiter but not its plugin: the plugin aborts the whole operation when one field is
 * over its limit (all data lost, HTTP 200, no code). Here the field alone fails, with
 * RATE_LIMITED, `retryable` and `retryAfter`, and every other field still resolves.
 * Each alias of a limited field is one call, so aliasing cannot multiply the quota.
 */
export function applyFieldRateLimits(schema: GraphQLSchema, options: FieldRateLimitOptions): GraphQLSchema {
  const directive = schema.getDirective('rateLimit');
  const overrides = options.overrides ?? {};
  const limiter = getGraphQLRateLimiter({ store: options.store, identifyContext: options.identify });
  // The limiter reads the calls so far, then writes them back: aliases of one field in one
  // query resolve concurrently and would all read the same count. Checks of one client
  // on one field are therefore chained, so each alias is one call.
  const pending = new Map<string, Promise<unknown>>();
  const checkInTurn = (key: string, check: () => Promise<string | undefined>): Promise<string | undefined> => {
    const previous = pending.get(key) ?? Promise.resolve();
    const turn = previous.then(check, check);
    pending.set(key, turn);
    void turn.finally(() => {
      if (pending.get(key) === turn) pending.delete(key);
    });
    return turn;
  };
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
          : (getDirectiveValues(directive, field.astNode) as DirectiveArgs | undefined);
      const config: DirectiveArgs | undefined = overrides[`${type.name}.${field.name}`] ?? fromDirective;
      if (config === undefined) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const retryAfter = Math.max(1, Math.ceil(windowMs(config.window ?? '60s', `${type.name}.${field.name}`) / 1000));
      field.resolve = async (source, args, context, info) => {
        const refused = await checkInTurn(`${options.identify(context)}\u0000${type.name}.${info.fieldName}`, async () =>
          limiter(info.fieldName, { args, context }, config),
        );
        if (refused !== undefined) {
          options.onLimited?.(info.fieldName);
          throw new GraphQLError(`Too many requests for ${info.fieldName}: try again in ${retryAfter} s`, {
            extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter },
          });
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

// Private:

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "60s", "5m", "1h": the windows the schema uses (the limiter itself reads them with `ms`). */
function windowMs(window: string, coordinate: string): number {
  const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(window.trim());
  if (match === null) throw new TypeError(`@rateLimit on ${coordinate}: window must look like "60s", "5m" or "1h", got "${window}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
