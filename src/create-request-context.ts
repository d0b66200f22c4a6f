import type { GatewayContext } from './gateway-context.js';
import type { RequestScope } from './request-scope.js';
import type { ServiceSet } from './services/create-service-set.js';
import type { SyncTokenCodec } from './sync/sync-token-codec.js';

export interface RequestContextDeps {
  services: ServiceSet;
  syncTokens: SyncTokenCodec;
}

/** The GraphQL context of a request: its scope, with the backends and fresh loaders for its calls. */
export function createRequestContext(scope: RequestScope, deps: RequestContextDeps): GatewayContext {
  return {
    ...scope,
    services: deps.services.services,
    loaders: deps.services.createLoaders(scope.call),
    syncTokens: deps.syncTokens,
  };
}
