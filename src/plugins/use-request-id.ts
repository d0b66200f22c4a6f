import type { Plugin } from 'graphql-yoga';
import type { AuthResult } from '../edge/authenticate.js';
import { resolveRequestId } from '../observability/request-id.js';

/** What the node:http handler may already have decided for the request. */
export interface RequestIdServerContext {
  requestId?: string;
  /** The client's address (the socket's peer), for per-client limits of anonymous callers. */
  clientIp?: string;
  /** The bearer token's verdict, already verified for the client rate limit. */
  auth?: AuthResult;
}

/**
 * Gives every GraphQL request an id (the client's X-Request-ID when acceptable)
 * and echoes it on the response. `requestIdOf(request)` reads it back, e.g. when
 * building the context.
 */
export function useRequestId(): Plugin<RequestIdServerContext> & { requestIdOf(request: Request): string } {
  const ids = new WeakMap<Request, string>();
  return {
    onRequest({ request, serverContext }) {
      ids.set(request, (serverContext as RequestIdServerContext | undefined)?.requestId ?? resolveRequestId(request.headers.get('x-request-id')));
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id !== undefined) response.headers.set('x-request-id', id);
    },
    requestIdOf(request) {
      let id = ids.get(request);
      if (id === undefined) {
        id = resolveRequestId(request.headers.get('x-request-id'));
        ids.set(request, id);
      }
      return id;
    },
  };
}
