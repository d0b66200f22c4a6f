import { StaleTracker } from './cache/stale-tracker.js';
import type { GatewayContext } from './gateway-context.js';
import type { AuthResult } from './edge/authenticate.js';
import type { Logger } from './observability/create-logger.js';
import type { ServiceSet } from './services/create-service-set.js';
import type { SyncTokenCodec } from './sync/sync-token-codec.js';
import type { RequestDeadline } from './upstream/request-deadline.js';

export interface RequestContextInput {
  requestId: string;
  auth: AuthResult;
  deadline: RequestDeadline;
  clientIp: string;
}

export interface RequestContextDeps {
  services: ServiceSet;
  logger: Logger;
  syncTokens: SyncTokenCodec;
}

/** Who is calling, for rate limits: the verified viewer, else the client's address. */
export function clientIdOf(auth: AuthResult, clientIp: string): string {
  return auth.status === 'authenticated' ? `user:${auth.viewerId}` : `ip:${clientIp}`;
}

/** The viewer's rate-limit tier (its token's tier claim), if any: anonymous clients have none. */
export function rateLimitTierOf(auth: AuthResult): string | undefined {
  return auth.status === 'authenticated' ? auth.tier : undefined;
}

/** Everything one GraphQL request's resolvers get: its call context, fresh loaders, its logger. */
export function createRequestContext(input: RequestContextInput, deps: RequestContextDeps): GatewayContext {
  const { requestId, auth, deadline } = input;
  const stale = new StaleTracker();
  const logger = deps.logger.child({ requestId });
  const viewerId = auth.status === 'authenticated' ? auth.viewerId : null;
  const call = { logger, requestId, viewerId, signal: deadline.signal, deadlineAt: deadline.deadlineAt, stale };
  return {
    requestId,
    clientId: clientIdOf(auth, input.clientIp),
    auth,
    call,
    services: deps.services.services,
    loaders: deps.services.createLoaders(call),
    logger,
    syncTokens: deps.syncTokens,
    stale,
  };
}
