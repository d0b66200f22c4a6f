import type { Plugin } from 'graphql-yoga';
import { scopeOf, type RequestScopeServerContext } from '../request-scope.js';

/** Echoes the request's id (its scope's: the client's X-Request-ID when acceptable) on every GraphQL response. */
export function useRequestIdHeader(): Plugin<RequestScopeServerContext> {
  return {
    onResponse({ response, serverContext }) {
      response.headers.set('x-request-id', scopeOf(serverContext).requestId);
    },
  };
}
