import type { GatewayContext } from '../gateway-context.js';
import type { JsonObject } from '../upstream/expect-json.js';
import { connectorLoadersKey, type ConnectorRequestLoaders } from './connector-request-loaders.js';
import { JsonSelectionError, parseJsonSelection, type JsonSelection } from './json-selection.js';
import type { ConnectorMatches } from './source-connector.js';
import { parseUrlTemplate, renderUrlTemplate, UrlTemplateError } from './url-template.js';

/**
 * A batched lookup of a `@source`, written in code the way a `@connect` is written in the
 * schema. `get` has exactly one variable, where the keys go (`{$batch.id}`; its name does
 * not matter); `selection` and `batchKey` as in `@connect`.
 */
export interface ConnectorLoaderSpec {
  source: string;
  get: string;
  selection?: string;
  batchKey: string;
}

/** Keys → items of one request shape of a source, for this request. */
export interface ConnectorLoader<T> {
  /** The first item whose batchKey equals `key`; null when there is none. */
  load(key: string): Promise<T | null>;
  /**
   * One entry per key, in order: its first item, null when there is none, or the Error
   * of the batch that failed for it (graphql-js completes an Error entry of a list as a
   * field error at its index, so one failed batch nulls only the entries it covered).
   */
  loadMany(keys: readonly string[]): Promise<(T | Error | null)[]>;
}

/**
 * The request's loader of a connector shape, for code resolvers beside `@connect` fields:
 * the same DataLoader (batching, cache, stale stand-ins, metrics) as every `@connect`
 * field of the same source, path, selection and batchKey, so `Query.product(id)`, a
 * connector `OrderItem.product` and a code resolver that loads products share one
 * backend call per request. `/products?ids={$batch.id}` here and
 * `/products?ids={$args.id}` in the schema are the same shape.
 *
 * `T` is what the app says the items are: the gateway checks that each is a JSON object
 * with its batchKey, not the rest of the shape (the schema's types check that when the
 * item is a field's value). A stale item keeps its mark, so the field that returns it
 * gets the STALE_DATA warning.
 *
 * Throws an Error for a spec that cannot work (a programming mistake, not a client's):
 * a template without exactly one variable, a bad selection, a source the gateway does not serve.
 */
export function connectorLoader<T extends object = JsonObject>(
  ctx: Pick<GatewayContext<unknown, object>, 'loaders' | 'call'>,
  spec: ConnectorLoaderSpec,
): ConnectorLoader<T> {
  const loaders = (ctx.loaders as Record<string, ConnectorRequestLoaders | undefined>)[connectorLoadersKey(spec.source)];
  if (loaders === undefined) throw new Error(`connectorLoader: no @source named "${spec.source}" is served by this gateway`);
  const { pathWithHole, selection } = shapeOf(spec);
  const loader = loaders.batch(pathWithHole, spec.batchKey, selection);
  const { stale } = ctx.call;
  const first = (matches: ConnectorMatches | null): T | null => {
    const item = matches?.[0] ?? null;
    return (item === null ? null : (stale?.inherit(item, matches) ?? item)) as T | null;
  };
  return {
    load: async (key) => first(await loader.load(key)),
    loadMany: async (keys) => (await loader.loadMany(keys)).map((matches) => (matches instanceof Error ? matches : first(matches))),
  };
}

// Private:

interface Shape {
  pathWithHole: string;
  selection: JsonSelection;
}

/** Specs are constants of the app's code: parsed once each. */
const shapes = new Map<string, Shape>();

function shapeOf(spec: ConnectorLoaderSpec): Shape {
  const id = `${spec.get}\u0001${spec.selection ?? ''}`;
  let shape = shapes.get(id);
  if (shape !== undefined) return shape;
  const label = `connectorLoader(${JSON.stringify(spec.get)})`;
  try {
    const template = parseUrlTemplate(spec.get);
    if (template.variables.length !== 1) throw new Error(`${label}: get must have exactly one variable, where the keys go (it has ${template.variables.length})`);
    const key = template.variables[0]!;
    // The one variable is the hole: nothing else is ever asked for.
    const pathWithHole = renderUrlTemplate(template, () => null, key)!;
    shape = { pathWithHole, selection: parseJsonSelection(spec.selection) };
  } catch (error) {
    if (error instanceof UrlTemplateError || error instanceof JsonSelectionError) throw new Error(`${label}: ${error.message}`);
    throw error;
  }
  shapes.set(id, shape);
  return shape;
}
