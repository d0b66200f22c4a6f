import { defineService, type ServiceDefinition } from '../services/service-definition.js';
import { connectorLoadersKey, createConnectorRequestLoaders, type ConnectorRequestLoaders } from './connector-request-loaders.js';
import type { SourceDeclaration } from './read-connectors.js';
import { createSourceConnector, type SourceConnector } from './source-connector.js';

/** A `@source` as the engine builds any backend. */
export type SourceServiceDefinition = ServiceDefinition<SourceConnector, Record<string, ConnectorRequestLoaders>, unknown>;

/**
 * The service definition of one `@source`: its URL variable and settings go to
 * configuration, and the engine builds its client, policy, metrics, health and cache
 * exactly as for a code-defined service. Its loaders sit in `ctx.loaders` under
 * `connector:<name>`, where the generated resolvers find them.
 */
export function sourceServiceDefinition(source: SourceDeclaration): SourceServiceDefinition {
  const key = connectorLoadersKey(source.name);
  return defineService({
    urlEnv: source.urlEnv,
    // Entries are `<prefix>:v1:source.<name>:<request scope>:<key>`.
    cacheKind: `source.${source.name}`,
    defaults: source.defaults,
    createService: createSourceConnector,
    createLoaders: (connector: SourceConnector, _client, call): Record<string, ConnectorRequestLoaders> => ({
      [key]: createConnectorRequestLoaders(connector, call),
    }),
  });
}
