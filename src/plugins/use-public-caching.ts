import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { createCachePolicy } from '../edge/cache-policy.js';

interface ResultLike {
  errors?: readonly unknown[];
  extensions?: { warnings?: readonly unknown[]; degraded?: readonly unknown[] };
}

/**
 * Lets a CDN cache what is the same for everyone: a GET query whose every selected
 * field is PUBLIC with a max age (the schema's `@cacheControl` hints, see
 * cache-policy.ts), sent without an Authorization header, answered completely (no
 * error, no warning, nothing degraded), is sent with `Cache-Control: public,
 * max-age=<the smallest max age>` instead of `private, no-cache`; its ETag and 304
 * revalidation stay as useHttpCaching made them. `Vary: Accept` because the same URL
 * may be answered as application/json or application/graphql-response+json.
 *
 * Everything else keeps today's rules (useHttpCaching, usePartialResponseHeaders):
 * this plugin only ever upgrades a response that useHttpCaching already gave an ETag,
 * so it must come after it.
 */
export function usePublicCaching(schema: GraphQLSchema): Plugin {
  const policyOf = createCachePolicy(schema);
  // null: seen, and not public. A request with several operations is public only if each is.
  const decisions = new WeakMap<Request, { maxAge: number } | null>();
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request === undefined) return;
      // A CDN does not key its entries by the token: an authorized request is never shared.
      if (request.method !== 'GET' || request.headers.has('authorization')) return;
      const previous = decisions.get(request);
      if (previous === null) return;
      const policy = policyOf(args.document, args.operationName);
      if (policy.scope !== 'PUBLIC' || policy.maxAge === 0) decisions.set(request, null);
      else decisions.set(request, { maxAge: Math.min(policy.maxAge, previous?.maxAge ?? Infinity) });
    },
    onResultProcess({ request, result }) {
      if (decisions.get(request) == null) return;
      // A streamed or batched answer, or one that is partial in any way, is never shared.
      if (Array.isArray(result) || Symbol.asyncIterator in result) {
        decisions.set(request, null);
        return;
      }
      const { errors, extensions } = result as ResultLike;
      if ((errors?.length ?? 0) > 0 || extensions?.warnings !== undefined || extensions?.degraded !== undefined) decisions.set(request, null);
    },
    onResponse({ request, response }) {
      const decision = decisions.get(request);
      if (decision == null || (response.status !== 200 && response.status !== 304) || !response.headers.has('etag')) return;
      response.headers.set('cache-control', `public, max-age=${decision.maxAge}`);
      response.headers.append('vary', 'accept');
    },
  };
}
