import { StaleTracker } from './cache/stale-tracker.js';
import type { Clock } from './clock.js';
import type { AuthResult } from './edge/authenticate.js';
import { readClientIdentity, type ClientIdentity, type HeaderReader } from './edge/client-identity.js';
import type { ClientLabels, ClientLabelValues } from './observability/client-labels.js';
import type { Logger } from './observability/create-logger.js';
import type { CallContext } from './upstream/call-context.js';
import { createRequestDeadline, type RequestDeadline } from './upstream/request-deadline.js';
import { parseRequestTimeout, REQUEST_TIMEOUT_HEADER } from './upstream/request-timeout-header.js';

/**
 * Everything that belongs to one HTTP request of the gateway, built once, where the
 * request arrives (`createRequestHandler`), and read from there by every plugin (as
 * yoga's server context, `scope`) and every resolver (the GraphQL context extends it).
 * There is no second home for any of it: no plugin keeps its own request id, deadline
 * or client identity, and the bearer token is verified once, before the scope exists.
 */
export interface RequestScope {
  /** The client's X-Request-ID when acceptable, else a new UUID; echoed on the response. */
  readonly requestId: string;
  /** The bearer token's verdict; resolvers that need a viewer use `requireViewer(ctx)`. */
  readonly auth: AuthResult;
  /** The verified viewer, or null. */
  readonly viewerId: string | null;
  /** Who the rate limits count: `user:<viewer id>`, else `ip:<address>`. */
  readonly clientId: string;
  /** The viewer's rate-limit tier (its token's tier claim), if any. */
  readonly rateLimitTier: string | undefined;
  /** Which app is calling, as its headers say (sanitized). */
  readonly client: ClientIdentity;
  /** The app's metric labels, bounded (`CLIENT_LABELS_MAX`): taken once per request. */
  readonly clientLabels: ClientLabelValues;
  /**
   * The request's time budget: `REQUEST_DEADLINE_MS`, or less when the client sends
   * `X-Request-Timeout-Ms`. Started when the request arrives, disposed when its response
   * is over (an incremental `@defer` answer included), aborted when the client goes.
   */
  readonly deadline: RequestDeadline;
  /** A child logger carrying the request id. */
  readonly logger: Logger;
  /** Cached values this request served stale, and where: `extensions.warnings`. */
  readonly stale: StaleTracker;
  /** What every backend call of the request carries (ids, abort signal, deadline). */
  readonly call: CallContext;
}

/** yoga's server context: what the request handler passes with every request. */
export interface RequestScopeServerContext {
  scope: RequestScope;
}

export interface RequestScopeInput {
  requestId: string;
  auth: AuthResult;
  /** The socket's peer address, for the limits of anonymous callers. */
  clientIp: string;
  /** The request's headers (client identity, `X-Request-Timeout-Ms`). */
  header: HeaderReader;
}

export interface RequestScopeDeps {
  logger: Logger;
  clientLabels: ClientLabels;
  /** REQUEST_DEADLINE_MS: the most any request may take. */
  deadlineMs: number;
  now?: Clock;
}

/** Builds request scopes, one per request. */
export type CreateRequestScope = (input: RequestScopeInput) => RequestScope;

export function createRequestScopeFactory(deps: RequestScopeDeps): CreateRequestScope {
  const { clientLabels, deadlineMs, now } = deps;
  return ({ requestId, auth, clientIp, header }) => {
    const viewerId = auth.status === 'authenticated' ? auth.viewerId : null;
    const clientBudgetMs = parseRequestTimeout(header(REQUEST_TIMEOUT_HEADER));
    // A client that sends its own time left gets the smaller budget: work it can no
    // longer use is not done.
    const deadline = createRequestDeadline(Math.min(deadlineMs, clientBudgetMs ?? deadlineMs), undefined, now);
    const logger = deps.logger.child({ requestId });
    const stale = new StaleTracker();
    const client = readClientIdentity(header);
    return {
      requestId,
      auth,
      viewerId,
      clientId: viewerId !== null ? `user:${viewerId}` : `ip:${clientIp}`,
      rateLimitTier: auth.status === 'authenticated' ? auth.tier : undefined,
      client,
      clientLabels: clientLabels.of(client),
      deadline,
      logger,
      stale,
      call: { requestId, viewerId, signal: deadline.signal, deadlineAt: deadline.deadlineAt, stale, logger },
    };
  };
}

/**
 * The scope in yoga's server context (or in a GraphQL context, which carries the server
 * context's fields). The gateway's yoga is only served through its request handler, which
 * always passes one: its absence is a wiring bug, not a client's error.
 */
export function scopeOf(context: unknown): RequestScope {
  const scope = (context as Partial<RequestScopeServerContext> | undefined)?.scope;
  if (scope === undefined) throw new Error('no request scope: serve the gateway through its request handler (gateway.handle)');
  return scope;
}
