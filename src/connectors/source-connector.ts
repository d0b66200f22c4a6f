import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import { badBody, isJsonObject, type JsonObject } from '../upstream/expect-json.js';
import type { ServiceClient } from '../upstream/service-client.js';
import { applyJsonSelection, type JsonSelection } from './json-selection.js';
import { encodeTemplateValue, HOLE } from './url-template.js';

/**
 * What one non-batched connector GET answered: the selected JSON, or that the backend
 * said 404. An object, so that the cache can mark it stale and a resolver find the mark.
 */
export interface ConnectorAnswer {
  readonly value: unknown;
  readonly notFound: boolean;
}

/** The items a batched GET returned for one key (those whose batchKey equals it), in the backend's order. */
export type ConnectorMatches = readonly JsonObject[];

/**
 * The runtime of one `@source`, built once at start-up: its service client (policy,
 * metrics, health) and its entity cache. Every connector call goes through here.
 */
export interface SourceConnector {
  readonly name: string;
  readonly client: ServiceClient;
  /** One cache per source (its TTLs); each request template scopes its entries within it. */
  readonly cache: EntityCache<unknown>;
  /** One GET of `path`; a 404 is an answer (`notFound`), anything else not 2xx an UpstreamError. */
  get(path: string, selection: JsonSelection, call: CallContext): Promise<ConnectorAnswer>;
  /**
   * One batched GET: `pathWithHole` with the keys comma-joined in place of the HOLE.
   * Every key gets its matches (possibly none): items whose `batchKey` field equals it.
   */
  getBatch(pathWithHole: string, batchKey: string, selection: JsonSelection, keys: readonly string[], call: CallContext): Promise<Map<string, ConnectorMatches>>;
}

export function createSourceConnector(client: ServiceClient, cache: EntityCache<unknown>): SourceConnector {
  const service = client.name;
  const select = (selection: JsonSelection, body: unknown): unknown => {
    const selected = applyJsonSelection(selection, body);
    if (!selected.found) throw badBody(service, `the response has no ${selected.missing}`);
    return selected.value;
  };
  return {
    name: service,
    client,
    cache,
    async get(path, selection, call) {
      const response = await client.request({ method: 'GET', path, acceptStatuses: [404] }, call);
      if (response.status === 404) return { value: null, notFound: true };
      return { value: select(selection, response.body), notFound: false };
    },
    async getBatch(pathWithHole, batchKey, selection, keys, call) {
      const path = pathWithHole.replace(HOLE, encodeTemplateValue(keys));
      const matches = new Map<string, JsonObject[]>(keys.map((key) => [key, []]));
      // A batch endpoint that knows none of the keys may say so with a 404.
      const response = await client.request({ method: 'GET', path, acceptStatuses: [404] }, call);
      if (response.status === 404) return matches;
      const items = select(selection, response.body);
      if (items === null) return matches;
      if (!Array.isArray(items)) throw badBody(service, `${selection.text} is not an array`);
      for (const item of items) {
        if (!isJsonObject(item)) throw badBody(service, `an item of ${selection.text} is not an object`);
        const key = item[batchKey];
        if (typeof key !== 'string' && typeof key !== 'number') throw badBody(service, `an item of ${selection.text} has no ${batchKey}`);
        // Items for keys nobody asked for are the backend's business, not an error.
        matches.get(String(key))?.push(item);
      }
      return matches;
    },
  };
}
