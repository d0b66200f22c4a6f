import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { PersistedQueryStore } from '../edge/persisted-query-store.js';
import type { RegistrationRateLimiter } from '../edge/registration-rate-limiter.js';
import { persistedQueryMismatch, persistedQueryNotFound } from '../errors/client-errors.js';

export interface AutomaticPersistedQueriesOptions {
  store: PersistedQueryStore;
  /** New registrations per client. */
  registrations: RegistrationRateLimiter;
  /** Who is calling, from the request's context: `user:<id>` or `ip:<address>`. */
  identify(context: unknown): string;
  /** Told about every registration not stored because its client is over its rate (metrics). */
  onRegistrationLimited?(): void;
}

/** What the Apollo protocol names a SHA-256: 64 lowercase hex digits. Anything else cannot be registered. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Automatic persisted queries, Apollo protocol (`extensions.persistedQuery.sha256Hash`):
 * a hash alone runs the query registered under it, or answers PERSISTED_QUERY_NOT_FOUND
 * (HTTP 200) so the client sends the full query once; a query whose SHA-256 is not the
 * hash is PERSISTED_QUERY_MISMATCH (HTTP 200).
 *
 * Unlike @graphql-yoga/plugin-apq, which stores every query it is sent before parsing
 * it, a registration is only staged while its request is checked, and stored when the
 * request reaches execution: a query that does not parse, does not validate or is over
 * the query limits (QUERY_TOO_COMPLEX, including cost) is never stored. A client over its
 * registration rate still gets its query run, just not stored.
 *
 * Ordering: must come after `useQueryLimits` in the plugin list. Its cost check refuses in
 * `onExecute` with `setResultAndStopExecution`, which skips the `onExecute` of every later
 * plugin: this one's included, so a refused query is never stored.
 */
export function useAutomaticPersistedQueries(options: AutomaticPersistedQueriesOptions): Plugin {
  const { store, registrations } = options;
  // By the request's context: one object per operation (yoga gives each operation of a
  // batch its own), the same object from onParams to execution.
  const staged = new WeakMap<object, { hash: string; query: string }>();

  return {
    async onParams({ params, setParams, context }) {
      const hash = persistedHashOf(params.extensions);
      if (hash === null) return;
      if (params.query === undefined || params.query === null) {
        const query = SHA256_HEX.test(hash) ? await store.get(hash) : null;
        if (query === null) throw persistedQueryNotFound();
        setParams({ ...params, query });
        return;
      }
      // Anything but a string is yoga's to refuse (its parameter checks run after this plugin).
      if (typeof params.query !== 'string') return;
      if (createHash('sha256').update(params.query).digest('hex') !== hash) throw persistedQueryMismatch();
      if (!store.has(hash)) staged.set(context, { hash, query: params.query });
    },
    onExecute({ args }) {
      const context = args.contextValue as object;
      const registration = staged.get(context);
      if (registration === undefined) return;
      staged.delete(context);
      if (!registrations.tryAcquire(options.identify(context))) {
        options.onRegistrationLimited?.();
        return;
      }
      store.add(registration.hash, registration.query);
    },
  };
}

// Private:

/** The hash of a well-formed `persistedQuery` extension (version 1), else null: not an APQ request. */
function persistedHashOf(extensions: Record<string, unknown> | undefined): string | null {
  const extension = extensions?.['persistedQuery'];
  if (typeof extension !== 'object' || extension === null) return null;
  const { version, sha256Hash } = extension as { version?: unknown; sha256Hash?: unknown };
  return version === 1 && typeof sha256Hash === 'string' ? sha256Hash : null;
}
