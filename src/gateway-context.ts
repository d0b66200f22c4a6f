import type { RequestScope } from './request-scope.js';
import type { SyncTokenCodec } from './sync/sync-token-codec.js';

/**
 * What every resolver of one GraphQL request gets as `ctx`: the request's scope (request
 * id, viewer, deadline, logger, stale tracker, backend call context; built once, where the
 * request arrived) and what the GraphQL layer adds to it. The engine reads only the
 * request-scoped parts; the app gives `Services` and `Loaders` their types
 * (`GatewayContext<Services, Loaders>`, from its service definitions).
 */
export interface GatewayContext<Services = Readonly<Record<string, unknown>>, Loaders = object> extends RequestScope {
  /** Domain clients, one per backend, shared by all requests. */
  readonly services: Services;
  /** DataLoaders of this request only. */
  readonly loaders: Loaders;
  readonly syncTokens: SyncTokenCodec;
}
