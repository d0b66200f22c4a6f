/**
 * The engine's public API: what an app (its schema, resolvers and code-defined services)
 * and its entry points import. Apps import from here, never from the engine's folders,
 * so that the engine may move its files without breaking them.
 */

// Composition: configuration, the gateway, the app it serves, its entry points.
export { ConfigError } from './config/config-error.js';
export { DEV_JWT_SECRET } from './config/dev-secrets.js';
export { loadConfig, type LoadConfigOptions } from './config/load-config.js';
export type { GatewayEnvName } from './config/env-schema.js';
export { type GatewayConfig } from './config/gateway-config.js';
export { createGateway, type Gateway, type GatewayDeps } from './gateway.js';
export type { GatewayApp, ResolverMaps, SchemaFile } from './gateway-app.js';
export { createSchema, readSchemaFiles } from './create-schema.js';
export { onShutdownSignal } from './graceful-shutdown.js';

// Declarative REST backends: @source/@connect in the app's schema files.
export { withConnectors } from './connectors/with-connectors.js';
export { ConnectorSchemaError } from './connectors/connector-schema-error.js';
export { CONNECTOR_DIRECTIVES_SDL } from './connectors/connector-directives.js';
export { connectorLoader, type ConnectorLoader, type ConnectorLoaderSpec } from './connectors/connector-loader.js';
export { signDevToken } from './edge/sign-dev-token.js';

// What resolvers get and use.
export type { GatewayContext } from './gateway-context.js';
export type { RequestScope } from './request-scope.js';
export { requireViewer } from './edge/require-viewer.js';
export { badUserInput, conflict, forbidden, notFound, syncTokenRejected } from './errors/client-errors.js';
export type { SyncPosition, SyncTokenCodec } from './sync/sync-token-codec.js';

// Code-defined services: a backend's client, loaders and cache.
export {
  defineService,
  type AnyServiceDefinition,
  type LoadersOf,
  type ServiceCatalog,
  type ServiceDeclaration,
  type ServiceDefaults,
  type ServiceDefinition,
  type ServiceDefinitions,
  type ServicesOf,
} from './services/service-definition.js';
export type { ServiceClient } from './upstream/service-client.js';
export type { CallContext } from './upstream/call-context.js';
export type { EntityCache } from './cache/create-entity-cache.js';
export { createBatchLoader } from './loaders/create-batch-loader.js';
export { fetchBatch } from './loaders/fetch-batch.js';
export { badBody, expectArrayField, expectEntity, expectObject, isJsonObject, type JsonObject } from './upstream/expect-json.js';
export { UpstreamError } from './upstream/upstream-error.js';
