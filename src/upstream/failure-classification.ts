import { isUpstreamError } from './upstream-error.js';

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Whether another attempt can succeed: network errors, timeouts, 502/503/504 and
 * 429. Never other 4xx (the same request fails the same way), never a malformed
 * body (a lying backend lies twice), never a cancelled call.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (!isUpstreamError(error) || error.cancelled) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'status' && error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
}

/**
 * Whether a failure says the backend is unhealthy: 5xx, network errors, timeouts,
 * malformed bodies. A 4xx (including 429) is an answer about the request.
 */
export function isBreakerFailure(error: unknown): boolean {
  if (!isUpstreamError(error) || error.cancelled) return false;
  if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'bad_body') return true;
  return error.kind === 'status' && error.status !== undefined && error.status >= 500;
}
