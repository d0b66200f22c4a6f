import type { EntityCache } from '../cache/create-entity-cache.js';
import { StaleTracker } from '../cache/stale-tracker.js';
import type { JsonObject } from '../upstream/expect-json.js';
import type { ConnectorMatches } from './source-connector.js';

/**
 * How a batched connector's matches for one key sit in the cache: the item itself when
 * exactly one matched (an id lookup, by far the usual case, so the entry of product p7
 * holds product p7, as a code-defined service's entry does), else the list. Items are
 * always JSON objects, never arrays, so the two forms cannot be confused.
 */
export type StoredMatches = JsonObject | ConnectorMatches;

/**
 * A cache of matches over a cache of their stored form. A stale stand-in is marked on
 * the list of matches, as it would be without the compact form, never on an item: a
 * list field would otherwise be warned about at the list and again at its entry.
 */
export function matchesCache(cache: EntityCache<StoredMatches>): EntityCache<ConnectorMatches> {
  return {
    async loadMany(ids, fetchMany, stale) {
      const marks = stale === undefined ? undefined : new StaleTracker();
      const stored = await cache.loadMany(ids, async (wanted) => compactEach(await fetchMany(wanted)), marks);
      return stored.map((value) => (value === null || value instanceof Error ? value : expand(value, marks, stale)));
    },
    async load(id, fetchOne, stale) {
      const marks = stale === undefined ? undefined : new StaleTracker();
      return expand(await cache.load(id, async () => compact(await fetchOne()), marks), marks, stale);
    },
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

/** The list form, marked on the request's tracker when the stored value was a stale stand-in. */
function expand(value: StoredMatches, marks: StaleTracker | undefined, stale: StaleTracker | undefined): ConnectorMatches {
  const matches = isList(value) ? value : [value];
  const mark = marks?.markOf(value);
  if (mark !== undefined) stale!.mark(matches, mark.service, mark.ageSeconds);
  return matches;
}
