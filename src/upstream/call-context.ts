import type { StaleTracker } from '../cache/stale-tracker.js';
import type { Logger } from '../observability/create-logger.js';

/**
 * What every backend call of one GraphQL request carries: the ids forwarded to
 * the backends, and the signal that aborts the call when the request is over.
 */
export interface CallContext {
  readonly requestId: string;
  /** The verified viewer, forwarded as `X-User-Id`; null for anonymous requests. */
  readonly viewerId: string | null;
  /** Aborts every call of the request (client gone, request deadline passed). */
  readonly signal?: AbortSignal;
  /** `Date.now()` value by which every call of the request must be over. */
  readonly deadlineAt?: number;
  /** Where cached values served stale during this request are marked. */
  readonly stale?: StaleTracker;
  /** The request's logger (carries its request id). */
  readonly logger?: Logger;
}

/** The headers the backend contract asks for on every call. */
export function forwardedHeaders(call: CallContext): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': call.requestId };
  if (call.viewerId !== null) headers['x-user-id'] = call.viewerId;
  return headers;
}
