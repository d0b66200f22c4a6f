import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Puts the request id on masked internal errors, so a user's bug report ("it said
 * INTERNAL_SERVER_ERROR") leads an operator straight to the log lines of that request.
 */
export function useErrorRequestIds(requestIdOf: (request: Request) => string): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || result.errors === undefined) return;
      const errors = result.errors as readonly GraphQLError[];
      if (!errors.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR')) return;
      const requestId = requestIdOf(request);
      setResult({
        ...result,
        errors: errors.map((error) =>
          error.extensions?.code === 'INTERNAL_SERVER_ERROR'
            ? new GraphQLError(error.message, {
                nodes: error.nodes ?? null,
                source: error.source ?? null,
                positions: error.positions ?? null,
                path: error.path ?? null,
                extensions: { ...error.extensions, requestId },
              })
            : error,
        ),
      });
    },
  };
}
