import type { EntityCache } from '../cache/create-entity-cache.js';
import type { StaleTracker } from '../cache/stale-tracker.js';
import type { JsonObject } from '../upstream/expect-json.js';
import type { ConnectorMatches } from './source-connector.js';

/**
 * How a batched connector's matches for one key sit in the cache: the item itself when
 * exactly one matched (an id lookup, by far the usual case, so the entry of product p7
 * holds product p7, as a code-defined service's entry does), else the list. Items are
 * always JSON objects, never arrays, so the two forms cannot be confused.
 */
export type StoredMatches = JsonObject | ConnectorMatches;

/** A cache of matches over a cache of their stored form. */
export function matchesCache(cache: EntityCache<StoredMatches>): EntityCache<ConnectorMatches> {
  return {
    async loadMany(ids, fetchMany, stale) {
      const stored = await cache.loadMany(ids, async (wanted) => compactEach(await fetchMany(wanted)), stale);
      return stored.map((value) => (value === null || value instanceof Error ? value : expand(value, stale)));
    },
    load: async (id, fetchOne, stale) => expand(await cache.load(id, async () => compact(await fetchOne()), stale), stale),
    put: (id, value) => cache.put(id, compact(value)),
  };
}

// Private:

function isList(value: StoredMatches): value is ConnectorMatches {
  return Array.isArray(value);
}

function compact(matches: ConnectorMatches): StoredMatches {
  return matches.length === 1 ? matches[0]! : matches;
}

function compactEach(found: ReadonlyMap<string, ConnectorMatches>): Map<string, StoredMatches> {
  return new Map([...found].map(([key, matches]) => [key, compact(matches)]));
}

/** The list form; a stale stand-in's mark (on the stored item) carries over to the list. */
function expand(value: StoredMatches, stale: StaleTracker | undefined): ConnectorMatches {
  if (isList(value)) return value;
  const matches = [value];
  stale?.inherit(matches, value);
  return matches;
}
