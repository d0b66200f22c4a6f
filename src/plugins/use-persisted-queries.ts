import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { trustedDocumentErrors } from '../errors/client-errors.js';
import { useAutomaticPersistedQueries, type AutomaticPersistedQueriesOptions } from './use-automatic-persisted-queries.js';

export type PersistedQueriesMode = 'apq' | 'only' | 'off';

/**
 * - `apq`: automatic persisted queries (Apollo protocol, `extensions.persistedQuery.sha256Hash`),
 *   over POST and GET; ordinary queries still run. Unknown hashes answer
 *   PERSISTED_QUERY_NOT_FOUND so the client sends the full query once; only queries that
 *   pass validation and the query limits are registered (see `useAutomaticPersistedQueries`,
 *   which must come after `useQueryLimits`).
 * - `only`: trusted documents: only the manifest's operations run, by hash; any other
 *   query is refused.
 */
export function usePersistedQueries(
  mode: PersistedQueriesMode,
  apq: AutomaticPersistedQueriesOptions,
  manifest: ReadonlyMap<string, string>,
): Plugin[] {
  if (mode === 'off') return [];
  if (mode === 'apq') return [useAutomaticPersistedQueries(apq)];
  return [
    usePersistedOperations({
      getPersistedOperation: (hash) => manifest.get(hash) ?? null,
      allowArbitraryOperations: false,
      customErrors: trustedDocumentErrors,
    }) as Plugin,
  ];
}
