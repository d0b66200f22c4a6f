import type { Plugin } from 'graphql-yoga';

interface ErrorLike {
  extensions?: Record<string, unknown>;
}

/**
 * When a field failed with a retryable error, says so at the HTTP level too:
 * `Retry-After` with the smallest `retryAfter` of the response's errors, so HTTP
 * clients and proxies that never read GraphQL errors still back off.
 */
export function useRetryAfterHeader(): Plugin {
  const retryAfterByRequest = new WeakMap<Request, number>();
  return {
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || !('errors' in result) || result.errors === undefined) return;
      let smallest: number | undefined;
      for (const error of result.errors as readonly ErrorLike[]) {
        const extensions = error.extensions;
        if (extensions?.retryable !== true || typeof extensions.retryAfter !== 'number') continue;
        if (smallest === undefined || extensions.retryAfter < smallest) smallest = extensions.retryAfter;
      }
      if (smallest !== undefined) retryAfterByRequest.set(request, smallest);
    },
    onResponse({ request, response }) {
      const seconds = retryAfterByRequest.get(request);
      if (seconds !== undefined) response.headers.set('retry-after', String(seconds));
    },
  };
}
