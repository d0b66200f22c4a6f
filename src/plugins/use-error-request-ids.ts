import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { scopeOf, type RequestScopeServerContext } from '../request-scope.js';

type Result = { errors?: readonly GraphQLError[] } & Record<string, unknown>;

/**
 * Last look at every error before it leaves (single and batched results): masked
 * internal errors get the request id, so a user's bug report ("it said
 * INTERNAL_SERVER_ERROR") leads an operator straight to that request's log lines; and
 * `extensions.originalError`, which yoga adds to its own request-parsing errors (a
 * JSON parser message echoing the body), is dropped.
 */
export function useErrorRequestIds(): Plugin<RequestScopeServerContext> {
  return {
    onResultProcess({ result, setResult, serverContext }) {
      if (!Array.isArray(result) && (typeof result !== 'object' || result === null || Symbol.asyncIterator in result)) return;
      const results = (Array.isArray(result) ? result : [result]) as Result[];
      if (!results.some((r) => r.errors?.some(needsCleaning))) return;
      const { requestId } = scopeOf(serverContext);
      const cleaned = results.map((r) => (r.errors?.some(needsCleaning) === true ? { ...r, errors: r.errors.map((e) => clean(e, requestId)) } : r));
      setResult((Array.isArray(result) ? cleaned : cleaned[0]) as typeof result);
    },
  };
}

// Private:

function needsCleaning(error: GraphQLError): boolean {
  return error.extensions?.code === 'INTERNAL_SERVER_ERROR' || error.extensions?.originalError !== undefined;
}

function clean(error: GraphQLError, requestId: string): GraphQLError {
  if (!needsCleaning(error)) return error;
  const { originalError: _dropped, ...extensions } = error.extensions ?? {};
  if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') extensions.requestId = requestId;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    extensions,
  });
}
