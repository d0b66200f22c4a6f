import type { StaleTracker } from './cache/stale-tracker.js';
import type { AuthResult } from './edge/authenticate.js';
import type { Logger } from './observability/create-logger.js';
import type { SyncTokenCodec } from './sync/sync-token-codec.js';
import type { CallContext } from './upstream/call-context.js';

/**
 * What every resolver of one GraphQL request gets as `ctx`. The engine reads only the
 * request-scoped parts; the app gives `Services` and `Loaders` their types
 * (`GatewayContext<Services, Loaders>`, from its service definitions).
 */
export interface GatewayContext<Services = Readonly<Record<string, unknown>>, Loaders = object> {
  readonly requestId: string;
  /** Who is calling, for rate limits: `user:<viewer id>`, else `ip:<address>`. */
  readonly clientId: string;
  /** The bearer token's verdict; resolvers that need a viewer use `requireViewer(ctx)`. */
  readonly auth: AuthResult;
  /** Forwarded ids and abort signal for every backend call of this request. */
  readonly call: CallContext;
  /** Domain clients, one per backend, shared by all requests. */
  readonly services: Services;
  /** DataLoaders of this request only. */
  readonly loaders: Loaders;
  /** A child logger carrying the request id. */
  readonly logger: Logger;
  readonly syncTokens: SyncTokenCodec;
  /** Cached values this request served stale, and where: `extensions.warnings`. */
  readonly stale: StaleTracker;
}
