import { createHash } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import { createBatchLoader } from '../loaders/create-batch-loader.js';
import type { JsonSelection } from './json-selection.js';
import { scopedEntityCache } from './scoped-entity-cache.js';
import { matchesCache, type StoredMatches } from './stored-matches.js';
import type { ConnectorAnswer, ConnectorMatches, SourceConnector } from './source-connector.js';

/**
 * One request's loaders of one source: a DataLoader per batched request shape (path
 * with the keys left out, batchKey, selection), shared by every field that has that
 * shape (`Query.product(id)` and `OrderItem.product` make one call), and one promise
 * per non-batched URL (the same URL twice in a request is one call).
 */
export interface ConnectorRequestLoaders {
  /** The loader of keys → matches for this shape; created on first use. */
  batch(pathWithHole: string, batchKey: string, selection: JsonSelection): DataLoader<string, ConnectorMatches | null>;
  /** The answer of one GET, from the cache or the backend. */
  get(path: string, selection: JsonSelection): Promise<ConnectorAnswer>;
}

/** Where a source's request loaders sit in `ctx.loaders` (beside the code-defined services' loaders). */
export function connectorLoadersKey(source: string): string {
  return `connector:${source}`;
}

export function createConnectorRequestLoaders(connector: SourceConnector, call: CallContext): ConnectorRequestLoaders {
  // Most requests touch few connectors: nothing is built until a field asks.
  let loaders: Map<string, DataLoader<string, ConnectorMatches | null>> | undefined;
  let answers: Map<string, Promise<ConnectorAnswer>> | undefined;
  // The loader asked for last: a list's parents ask for the same one, one after another,
  // with the same strings, so the shape key is not built and hashed again for each.
  let last: { pathWithHole: string; batchKey: string; selection: JsonSelection; loader: DataLoader<string, ConnectorMatches | null> } | undefined;
  const { client } = connector;
  return {
    batch(pathWithHole, batchKey, selection) {
      if (last !== undefined && last.pathWithHole === pathWithHole && last.batchKey === batchKey && last.selection === selection) return last.loader;
      const shape = `${pathWithHole}\u0001${batchKey}\u0001${selection.text}`;
      loaders ??= new Map();
      let loader = loaders.get(shape);
      if (loader === undefined) {
        loader = createBatchLoader<ConnectorMatches>({
          maxBatchSize: client.settings.maxBatchSize,
          fetchMany: (keys) => connector.getBatch(pathWithHole, batchKey, selection, keys, call),
          cache: matchesCache(scopedEntityCache(connector.cache as EntityCache<StoredMatches>, scopeOf(shape))),
          stale: call.stale,
          onBatch: client.onBatch,
        });
        loaders.set(shape, loader);
      }
      last = { pathWithHole, batchKey, selection, loader };
      return loader;
    },
    get(path, selection) {
      const key = `${path}\u0001${selection.text}`;
      answers ??= new Map();
      let answer = answers.get(key);
      if (answer === undefined) {
        const cache = connector.cache as EntityCache<ConnectorAnswer>;
        answer = cache.load(`get:${scopeOf(key)}`, () => connector.get(path, selection, call), call.stale);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}

// Private:

/** A short, fixed-length cache scope for a request shape: paths may be long, cache keys should not be. */
function scopeOf(shape: string): string {
  return createHash('sha256').update(shape).digest('base64url').slice(0, 22);
}
