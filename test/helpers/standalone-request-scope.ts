import type { Plugin } from 'graphql-yoga';
import { createClientLabels, type ClientLabels } from '../../src/observability/client-labels.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { resolveRequestId } from '../../src/observability/request-id.js';
import { createRequestScopeFactory, type RequestScopeServerContext } from '../../src/request-scope.js';

/**
 * For a yoga server of a test's own (one plugin under test, no gateway): gives each request
 * the scope the gateway's request handler would build (an anonymous caller, its headers'
 * request id and client), so plugins that read the scope run as they do in the gateway.
 */
export function useStandaloneRequestScope(clientLabels: ClientLabels = createClientLabels()): Plugin<Partial<RequestScopeServerContext>> {
  const createScope = createRequestScopeFactory({ logger: createLogger({ level: 'silent' }), clientLabels, deadlineMs: 10_000 });
  return {
    onRequest({ request, serverContext }) {
      const context = serverContext as Partial<RequestScopeServerContext>;
      context.scope ??= createScope({
        requestId: resolveRequestId(request.headers.get('x-request-id')),
        auth: { status: 'anonymous' },
        clientIp: '127.0.0.1',
        header: (name) => request.headers.get(name),
      });
    },
    onResponse({ serverContext }) {
      (serverContext as Partial<RequestScopeServerContext>).scope?.deadline.dispose();
    },
  };
}
