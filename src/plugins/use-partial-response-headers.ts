import type { Plugin } from 'graphql-yoga';

interface ErrorLike {
  extensions?: Record<string, unknown>;
}

interface ResultLike {
  errors?: readonly ErrorLike[];
  extensions?: { warnings?: readonly unknown[] };
}

/**
 * Says at the HTTP level what a partial answer means, for clients and proxies that
 * never read GraphQL errors: `Cache-Control: no-store` when the response carries
 * errors or warnings (a stale or partial answer must not be cached anywhere), and
 * `Retry-After` with the smallest `retryAfter` when a field failed retryably.
 */
export function usePartialResponseHeaders(): Plugin {
  const headers = new WeakMap<Request, { retryAfter: number | undefined }>();
  return {
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || !('data' in result || 'errors' in result)) return;
      const { errors, extensions } = result as ResultLike;
      const hasWarnings = (extensions?.warnings?.length ?? 0) > 0;
      if ((errors === undefined || errors.length === 0) && !hasWarnings) return;
      let retryAfter: number | undefined;
      for (const error of errors ?? []) {
        const ext = error.extensions;
        if (ext?.retryable !== true || typeof ext.retryAfter !== 'number') continue;
        if (retryAfter === undefined || ext.retryAfter < retryAfter) retryAfter = ext.retryAfter;
      }
      headers.set(request, { retryAfter });
    },
    onResponse({ request, response }) {
      const partial = headers.get(request);
      if (partial === undefined) return;
      response.headers.set('cache-control', 'no-store');
      if (partial.retryAfter !== undefined) response.headers.set('retry-after', String(partial.retryAfter));
    },
  };
}
