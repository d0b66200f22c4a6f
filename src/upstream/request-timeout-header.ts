/**
 * `X-Request-Timeout-Ms`: a caller's remaining time budget in whole milliseconds. A
 * client sends it to the gateway (its own deadline), and the gateway sends it to every
 * backend attempt (the time it will still wait for that attempt).
 */
export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';

/**
 * The client's budget, or undefined when the header is absent or not exactly one
 * positive integer of at most 9 digits: a bad value is ignored, never an error (a client
 * cannot break its own request with it), and it can only shorten the gateway's deadline.
 * Repeated headers arrive joined by ", " and are ignored like any other malformed value.
 */
export function parseRequestTimeout(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined;
  const ms = Number(value.trim());
  return ms >= 1 ? ms : undefined;
}

/**
 * The header value for an attempt sent now: the time left before the request's deadline,
 * capped by the attempt's own timeout (the gateway stops waiting at the sooner of the
 * two, as Envoy's `x-envoy-expected-rq-timeout-ms` uses the per-try timeout), rounded
 * down so a backend never plans on more time than it has, and at least 1.
 */
export function requestTimeoutValue(deadlineAt: number, attemptTimeoutMs: number, now: number = Date.now()): string {
  return String(Math.max(1, Math.floor(Math.min(deadlineAt - now, attemptTimeoutMs))));
}
