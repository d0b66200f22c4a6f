import { systemClock, type Clock } from '../clock.js';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import { UpstreamError } from './upstream-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { REQUEST_TIMEOUT_HEADER, requestTimeoutValue } from './request-timeout-header.js';
import type { UpstreamObserver } from './upstream-observer.js';

export interface HttpClientOptions {
  /** Service name, carried by every error for the error contract and metrics. */
  service: string;
  /** Backend origin and optional base path, e.g. `http://catalog:8080` or `http://api/catalog`. */
  baseUrl: string;
  /**
   * Keep-alive sockets to this backend.
   * @default 32
   */
  connections?: number;
  /**
   * Per-attempt timeout (headers and body), in milliseconds.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Largest response body read from this backend; bigger ones are a `bad_body` error,
   * so a flooding backend cannot fill the gateway's memory.
   * @default 5 MiB
   */
  maxResponseBytes?: number;
  /** Told the outcome and duration of every attempt (metrics, health). */
  observer?: UpstreamObserver;
  /** The clock the request's deadline was set by, for the time left it tells the backend. @default systemClock */
  now?: Clock;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path and query, already encoded, relative to the base URL (e.g. `/products?ids=p1,p2`). */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /**
   * `Date.now()` value of the request's deadline: each attempt then tells the backend the
   * time it has left, in `X-Request-Timeout-Ms`, computed when the attempt is sent.
   */
  deadlineAt?: number;
  /**
   * Statuses that are answers rather than failures (e.g. 404, 409): they resolve
   * with their parsed body instead of throwing.
   */
  acceptStatuses?: readonly number[];
}

export interface UpstreamResponse {
  status: number;
  /** Parsed JSON body; null for an empty body. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** A keep-alive HTTP/1.1 client for one backend that speaks JSON. */
export interface HttpClient {
  readonly service: string;
  /**
   * Sends one request. Resolves for 2xx and `acceptStatuses`; rejects with an
   * `UpstreamError` classified as network, timeout, status or bad_body.
   */
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const NO_STATUSES: readonly number[] = [];

/** Creates the undici pool and the failure classifier for one backend. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { service } = options;
  const now = options.now ?? systemClock;
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 1000;
  const maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const observe = options.observer?.attempt?.bind(options.observer);
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 32,
    keepAliveTimeout: 10_000,
    // A backstop only: the per-attempt timer below is what bounds an attempt.
    headersTimeout: Math.max(timeoutMs * 2, 1000),
    bodyTimeout: Math.max(timeoutMs * 2, 1000),
    // undici counts the body as it arrives and fails the call past this size, from
    // Content-Length when the backend declares one; the body is then read with undici's
    // own `text()` rather than a `for await` over its stream (a promise per chunk).
    maxResponseSize: maxResponseBytes,
  });

  async function request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    const attemptTimeoutMs = req.timeoutMs ?? timeoutMs;
    if (req.deadlineAt !== undefined) headers[REQUEST_TIMEOUT_HEADER] = requestTimeoutValue(req.deadlineAt, attemptTimeoutMs, now());
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    // undici's own headers/body timeouts tick at ~1 s resolution, too coarse for
    // sub-second budgets: one native timer per attempt aborts the call on time, and
    // the caller's signal (request deadline, client gone) aborts it too.
    const attempt = new AbortController();
    const timer = setTimeout(abortOnTimeout, attemptTimeoutMs, attempt);
    const outer = req.signal;
    const onOuterAbort = () => attempt.abort(outer?.reason);
    if (outer !== undefined) {
      if (outer.aborted) attempt.abort(outer.reason);
      else outer.addEventListener('abort', onOuterAbort, { once: true });
    }
    const started = observe === undefined ? 0 : performance.now();
    try {
      const response = await send(req, headers, body, attempt.signal);
      observe?.({ service, outcome: 'success', status: response.status, durationMs: performance.now() - started });
      return response;
    } catch (caught) {
      let error = caught as UpstreamError;
      if (outer?.aborted === true && error.kind === 'timeout') {
        error = error.with({ cancelled: true, message: `${service} call cancelled: the request is over` });
      }
      observe?.({
        service,
        outcome: 'failure',
        status: error.status,
        kind: error.kind,
        cancelled: error.cancelled,
        durationMs: performance.now() - started,
      });
      throw error;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  async function send(
    req: UpstreamRequest,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    let response;
    try {
      response = await pool.request({ method: req.method, path: basePath + req.path, headers, body: body ?? null, signal });
    } catch (error) {
      throw failure(error, undefined, signal);
    }

    const { statusCode } = response;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw failure(error, statusCode, signal);
    }

    const ok = statusCode >= 200 && statusCode < 300;
    const accepted = ok || (req.acceptStatuses ?? NO_STATUSES).includes(statusCode);
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        if (accepted) {
          throw new UpstreamError({
            kind: 'bad_body',
            service,
            status: statusCode,
            message: `${service} answered ${statusCode} with a body that is not JSON`,
            cause: error,
          });
        }
        // An error status with an HTML page is still just that status.
        parsed = undefined;
      }
    }
    if (!accepted) {
      throw new UpstreamError({
        kind: 'status',
        service,
        status: statusCode,
        retryAfter: parseRetryAfter(response.headers['retry-after']),
        body: parsed,
        message: `${service} answered ${req.method} ${req.path.split('?')[0] ?? ''} with ${statusCode}`,
      });
    }
    return { status: statusCode, body: parsed, headers: response.headers };
  }

  /** What undici threw, before (`status` undefined) or while the body was read. */
  function failure(error: unknown, status: number | undefined, signal: AbortSignal): UpstreamError {
    // undici's refusal of a body over `maxResponseSize`, declared or counted.
    if ((error as { code?: unknown } | null)?.code !== 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return classifyTransportError(service, error, signal);
    return new UpstreamError({
      kind: 'bad_body',
      service,
      ...(status === undefined ? {} : { status }),
      message: `${service} sent a response larger than ${maxResponseBytes} bytes`,
    });
  }

  return {
    service,
    request,
    close: () => pool.close(),
  };
}

// Private:

class AttemptTimeoutError extends Error {
  override name = 'TimeoutError';
}

function abortOnTimeout(controller: AbortController): void {
  controller.abort(new AttemptTimeoutError('attempt timed out'));
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * undici reports an aborted call as an `AbortError` (or with the signal's reason):
 * the signal is our deadline or the client going away, so both count as timeouts.
 */
function classifyTransportError(service: string, error: unknown, signal: AbortSignal | undefined): UpstreamError {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  const aborted = signal?.aborted === true || name === 'AbortError' || code === 'UND_ERR_ABORTED';
  if (aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'TimeoutError') {
    return new UpstreamError({ kind: 'timeout', service, message: `${service} did not answer in time`, cause: error });
  }
  return new UpstreamError({
    kind: 'network',
    service,
    message: `${service} could not be reached${typeof code === 'string' ? ` (${code})` : ''}`,
    cause: error,
  });
}
