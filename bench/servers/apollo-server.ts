/**
 * Child process: Apollo Server 5 (the stack a TypeScript team would pick instead)
 * over the SAME runtime as the gateway (src/create-gateway-runtime.ts: executable schema,
 * resolvers, DataLoaders, services, policies, cache, auth). Only the server around them differs: Apollo's standalone
 * node:http server instead of graphql-yoga, and none of the gateway's plugins
 * (metrics, access log, stale warnings, partial-response headers, rate limits,
 * query limits, persisted queries, compression, HTTP caching).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { createGatewayRuntime } from '../../src/create-gateway-runtime.js';
import { createRequestContext } from '../../src/create-request-context.js';
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import type { GatewayContext } from '../../src/gateway-context.js';
import { upstreamErrorToGraphQL } from '../../src/errors/upstream-error-to-graphql.js';
import { createClientLabels } from '../../src/observability/client-labels.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { nodeHeader } from '../../src/http/create-request-handler.js';
import { createRequestScopeFactory } from '../../src/request-scope.js';
import { resolveRequestId } from '../../src/observability/request-id.js';
import { isUpstreamError } from '../../src/upstream/upstream-error.js';
import { runChild } from './child-protocol.js';

runChild(async () => {
  const config = loadAppConfig(process.env);
  // The gateway's own buffered writer: a synchronous one made Apollo pay more per log line.
  const logger = createLogger({ level: config.logLevel, to: '/dev/null' });
  // The gateway's own runtime (backends, policies, cache, auth, sync tokens, schema with the
  // app's connectors): Apollo differs from the gateway only by the server in front of it.
  const { schema, services, authenticate, syncTokens } = createGatewayRuntime(config, gatewayApp, { logger });
  const createScope = createRequestScopeFactory({ logger, clientLabels: createClientLabels({ limit: config.clientLabelsMax }), deadlineMs: config.requestDeadlineMs });

  const server = new ApolloServer<GatewayContext>({
    schema,
    // The gateway's error contract (its maskError), so partial answers carry the same codes.
    formatError(formatted, error) {
      const located = error instanceof GraphQLError ? error : null;
      const original = located?.originalError ?? error;
      // The gateway's own boundary for backend failures; other errors as Apollo formats them.
      if (isUpstreamError(original)) return upstreamErrorToGraphQL(original, located).toJSON();
      return formatted;
    },
  });

  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req, res }) => {
      const header = nodeHeader(req.headers);
      const requestId = resolveRequestId(header('x-request-id'));
      res.setHeader('x-request-id', requestId);
      const authorization = req.headers.authorization;
      // The request's scope as the gateway's request handler builds it; the response's end clears its deadline.
      const scope = createScope({
        requestId,
        auth: await authenticate(authorization === undefined ? null : authorization),
        clientIp: req.socket.remoteAddress ?? 'unknown',
        header,
      });
      res.once('close', () => scope.deadline.dispose());
      return createRequestContext(scope, { services, syncTokens });
    },
  });

  return {
    info: { url: `http://127.0.0.1:${new URL(url).port}` },
    probes: {
      breakers: () => Object.fromEntries(Object.values(services.clients).map((client) => [client.name, client.policy.breakerState()])),
    },
  };
});
