/**
 * How a call to a backend failed. The resolver boundary turns each kind into one
 * code of the error contract (see `to-graphql-error.ts`).
 *
 * - `network`: connection refused, reset, DNS, socket closed mid-response
 * - `timeout`: no (complete) answer within the per-attempt timeout or the request deadline
 * - `status`: the backend answered with a non-2xx status it is not expected to answer
 * - `bad_body`: 2xx whose body is not the JSON the contract promises
 * - `circuit_open` / `bulkhead_full`: rejected by our own policy without touching the network
 */
export type UpstreamErrorKind =
  | 'network'
  | 'timeout'
  | 'status'
  | 'bad_body'
  | 'circuit_open'
  | 'bulkhead_full';

export interface UpstreamErrorOptions {
  kind: UpstreamErrorKind;
  service: string;
  message: string;
  /** HTTP status, for `status` errors. */
  status?: number;
  /** Seconds the backend (Retry-After) or our breaker asks the caller to wait. */
  retryAfter?: number;
  /** The backend's parsed JSON error body, for `status` errors (e.g. 409 `{ currentVersion }`). */
  body?: unknown;
  /**
   * The caller gave up (request deadline passed, client went away): not the
   * backend's fault, so neither retried nor counted by the breaker.
   */
  cancelled?: boolean;
  cause?: unknown;
}

/** A failed backend call, typed so that policies and the error boundary can classify it. */
export class UpstreamError extends Error {
  /** A flag rather than `instanceof`, so the check works across two copies of this module. */
  readonly isUpstreamError = true;
  readonly kind: UpstreamErrorKind;
  readonly service: string;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;
  readonly body: unknown;
  readonly cancelled: boolean;

  constructor(options: UpstreamErrorOptions) {
    // Backend failures are expected control flow (an open breaker answers thousands a
    // second): a stack trace would say nothing and its capture is the costliest part.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = limit;
    this.name = 'UpstreamError';
    // A plain value: V8's lazy stack would still be formatted (prepareStackTrace) when
    // read, and graphql-js reads it for every GraphQLError built around this one.
    this.stack = `UpstreamError: ${options.message}`;
    this.kind = options.kind;
    this.service = options.service;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.body = options.body;
    this.cancelled = options.cancelled ?? false;
  }

  /** A copy with other fields, e.g. a retryAfter the breaker knows better. */
  with(changes: Partial<UpstreamErrorOptions>): UpstreamError {
    return new UpstreamError({
      kind: this.kind,
      service: this.service,
      message: this.message,
      status: this.status,
      retryAfter: this.retryAfter,
      body: this.body,
      cancelled: this.cancelled,
      cause: this.cause,
      ...changes,
    });
  }
}

/** True for an `UpstreamError` from any copy of this module. */
export function isUpstreamError(error: unknown): error is UpstreamError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isUpstreamError?: unknown }).isUpstreamError === true
  );
}
