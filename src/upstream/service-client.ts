import { forwardedHeaders, type CallContext } from './call-context.js';
import type { HttpClient, UpstreamRequest, UpstreamResponse } from './http-client.js';

/** Per-service settings every client gets, whatever its domain. */
export interface ServiceSettings {
  /** Backend base URL. */
  url: string;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (used by the resilience policy). */
  maxRetries: number;
  /** Most ids sent in one batch call; DataLoader splits larger batches. */
  maxBatchSize: number;
  /** Keep-alive sockets to the backend. */
  connections: number;
}

/**
 * One backend as the domain services see it: every call carries the request's
 * forwarded headers and abort signal. This is the single path to a backend, so the
 * resilience policy wraps it in one place.
 */
export interface ServiceClient {
  readonly name: string;
  readonly settings: ServiceSettings;
  request(request: UpstreamRequest, call: CallContext): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Wraps an HTTP client with the per-request call context. */
export function createServiceClient(name: string, settings: ServiceSettings, http: HttpClient): ServiceClient {
  return {
    name,
    settings,
    request(request, call) {
      const headers = request.headers === undefined ? forwardedHeaders(call) : { ...request.headers, ...forwardedHeaders(call) };
      return http.request({ ...request, headers, signal: request.signal ?? call.signal });
    },
    close: () => http.close(),
  };
}
