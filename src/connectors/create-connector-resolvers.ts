import type { GraphQLFieldResolver } from 'graphql';
import type { GatewayContext } from '../gateway-context.js';
import { requireViewer } from '../edge/require-viewer.js';
import { badUserInput } from '../errors/client-errors.js';
import { badBody, isJsonObject } from '../upstream/expect-json.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { connectorLoadersKey, type ConnectorRequestLoaders } from './connector-request-loaders.js';
import type { ConnectorField } from './read-connectors.js';
import type { ConnectorAnswer, ConnectorMatches } from './source-connector.js';
import { renderUrlTemplate, type TemplateValue, type TemplateVariable } from './url-template.js';

type ConnectorResolver = GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>>;

/** Resolver maps (`{ Type: { field: resolver } }`) for every `@connect` field. */
export function createConnectorResolvers(fields: readonly ConnectorField[]): Record<string, Record<string, ConnectorResolver>> {
  const resolvers: Record<string, Record<string, ConnectorResolver>> = {};
  for (const field of fields) {
    (resolvers[field.typeName] ??= {})[field.fieldName] = createConnectorResolver(field);
  }
  return resolvers;
}

/**
 * The resolver of one `@connect` field: renders its GET from the arguments, the parent
 * and the viewer, asks the request's loaders of its source, and shapes what comes back
 * as the field's type says. Backend failures are thrown as UpstreamErrors: the error
 * contract is applied where every other backend failure's is (src/errors/mask-error.ts),
 * and only this field fails.
 *
 * Stale stand-ins are noted here, not only by the engine's field wrapper
 * (note-stale-fields.ts): what the cache marked is the whole answer or a key's list of
 * matches, while the field may return its first item or a scalar, which the wrapper
 * cannot recognise. A path is warned about once, whoever notes it.
 */
export function createConnectorResolver(field: ConnectorField): ConnectorResolver {
  const { batch, returns, template, selection } = field;
  const key = connectorLoadersKey(field.source);
  const service = field.source;
  const nothing = () => (returns.list ? [] : null);
  // A batched GET whose only variable is its batch key (`/products?ids={$batch.productId}`)
  // has the same path for every parent: rendered once here, not once per parent, and the
  // same string each time, which the request's loaders find without hashing a new one.
  const fixedPathWithHole =
    batch !== null && template.variables.every((variable) => variable === batch.key) ? renderUrlTemplate(template, () => null, batch.key) : null;

  return async (parent, args, ctx, info) => {
    const loaders = (ctx.loaders as unknown as Record<string, ConnectorRequestLoaders | undefined>)[key];
    if (loaders === undefined) throw new Error(`No loaders for source "${field.source}": the gateway was built without its service`);
    const viewerId = field.needsViewer ? requireViewer(ctx) : null;
    for (const limit of field.listLimits) {
      const value = args[limit.argument];
      if (Array.isArray(value) && value.length > limit.max) {
        throw badUserInput(`${limit.argument} may hold at most ${limit.max} ${limit.noun}`, { argument: limit.argument, max: limit.max, actual: value.length });
      }
    }
    const valueOf = (variable: TemplateVariable): TemplateValue => variableValue(variable, parent, args, viewerId);

    if (batch === null) {
      const path = renderUrlTemplate(template, valueOf);
      if (path === null) return nothing();
      const answer = await loaders.get(path, selection);
      ctx.stale.note(info, answer);
      return shapeAnswer(field, answer);
    }

    const pathWithHole = fixedPathWithHole ?? renderUrlTemplate(template, valueOf, batch.key);
    if (pathWithHole === null) return nothing();
    const loader = loaders.batch(pathWithHole, batch.batchKey, selection);
    const keys = variableValue(batch.key, parent, args, viewerId);
    if (keys === null || keys === undefined) return nothing();
    if (batch.keyIsList) {
      // One entry per key, in order; an Error entry is null at its index with an error there.
      const list = keys as readonly (string | number)[];
      const results = await loader.loadMany(list.map(String));
      return results.map((matches, index) => {
        if (matches instanceof Error) return matches;
        ctx.stale.note(info, matches, index);
        return firstMatch(matches) ?? (returns.itemNullable ? null : notFound(service, field));
      });
    }
    const matches = await loader.load(String(keys as string | number));
    ctx.stale.note(info, matches);
    if (returns.list) return matches ?? [];
    const first = firstMatch(matches);
    if (first === null && !returns.nullable) throw notFound(service, field);
    return first;
  };
}

// Private:

/** A template variable's value for one parent. */
function variableValue(variable: TemplateVariable, parent: unknown, args: Record<string, unknown>, viewerId: string | null): TemplateValue {
  switch (variable.namespace) {
    case 'args':
      return args[variable.name] as TemplateValue;
    case 'viewer':
      return viewerId;
    default:
      return isJsonObject(parent) ? (parent[variable.name] as TemplateValue) : null;
  }
}

function firstMatch(matches: ConnectorMatches | null): ConnectorMatches[number] | null {
  return matches?.[0] ?? null;
}

/** What a non-batched GET answered, as the field's type wants it. */
function shapeAnswer(field: ConnectorField, answer: ConnectorAnswer): unknown {
  const { returns } = field;
  const service = field.source;
  if (answer.notFound) {
    if (returns.nullable) return null;
    throw notFound(service, field);
  }
  let value = answer.value;
  if (returns.list) {
    if (value === null) {
      if (returns.nullable) return null;
      throw badBody(service, `${field.selection.text} is null`);
    }
    if (!Array.isArray(value)) throw badBody(service, `${field.selection.text} is not an array`);
    if (!returns.leaf && !value.every((item) => item === null || isJsonObject(item))) throw badBody(service, `an item of ${field.selection.text} is not an object`);
    return value;
  }
  // A single field over a list endpoint (`/reviews?ids={$args.id}` → `{ items: [...] }`) gets the first item.
  if (Array.isArray(value)) value = value[0] ?? null;
  if (value === null) {
    if (returns.nullable) return null;
    throw badBody(service, `${field.selection.text} is null`);
  }
  if (returns.leaf ? typeof value === 'object' : !isJsonObject(value)) {
    throw badBody(service, `${field.selection.text} is not ${returns.leaf ? 'a scalar' : 'an object'}`);
  }
  return value;
}

/** A non-null field whose backend has nothing for it: the backend's answer cannot fill the schema's promise. */
function notFound(service: string, field: ConnectorField): UpstreamError {
  return new UpstreamError({ kind: 'status', status: 404, service, message: `${service} has nothing for ${field.typeName}.${field.fieldName}` });
}
