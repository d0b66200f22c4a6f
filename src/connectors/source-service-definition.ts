import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import type { ServiceClient } from '../upstream/service-client.js';
import { connectorLoadersKey, createConnectorRequestLoaders, type ConnectorRequestLoaders } from './connector-request-loaders.js';
import type { SourceDeclaration } from './read-connectors.js';
import type { SourceDefaults } from './source-settings.js';
import { createSourceConnector, type SourceConnector } from './source-connector.js';

/** A `@source` as the engine builds any backend: the same shape as a code-defined service's definition. */
export interface SourceServiceDefinition {
  urlEnv: string;
  /** Entity kind in cache keys: `<prefix>:v1:source.<name>:<scope>:<key>`. */
  cacheKind: string;
  defaults: SourceDefaults;
  createService(client: ServiceClient, cache: EntityCache<unknown>): SourceConnector;
  createLoaders(service: SourceConnector, client: ServiceClient, call: CallContext): Record<string, ConnectorRequestLoaders>;
}

/**
 * The service definition of one `@source`: its URL variable and settings go to
 * configuration, and the engine builds its client, policy, metrics, health and cache
 * exactly as for a code-defined service.
 */
export function sourceServiceDefinition(source: SourceDeclaration): SourceServiceDefinition {
  const key = connectorLoadersKey(source.name);
  return {
    urlEnv: source.urlEnv,
    cacheKind: `source.${source.name}`,
    defaults: source.defaults,
    createService: createSourceConnector,
    createLoaders: (connector, _client, call) => ({ [key]: createConnectorRequestLoaders(connector, call) }),
  };
}
