import { forwardedHeaders, type CallContext } from './call-context.js';
import type { ServicePolicy } from './create-service-policy.js';
import type { HttpClient, UpstreamRequest, UpstreamResponse } from './http-client.js';
import type { ServiceSettings } from './service-settings.js';

/**
 * One backend as the domain services see it: every call carries the request's
 * forwarded headers and abort signal and runs through the service's resilience
 * policy. This is the single path to a backend.
 */
export interface ServiceClient {
  readonly name: string;
  readonly settings: ServiceSettings;
  readonly policy: ServicePolicy;
  /** Told the size of every DataLoader batch to this backend (metrics). */
  readonly onBatch: ((size: number) => void) | undefined;
  request(request: UpstreamRequest, call: CallContext): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Wraps an HTTP client with the per-request call context and the service policy. */
export function createServiceClient(
  name: string,
  settings: ServiceSettings,
  http: HttpClient,
  policy: ServicePolicy,
  onBatch?: (size: number) => void,
): ServiceClient {
  return {
    name,
    settings,
    policy,
    onBatch,
    request(request, call) {
      const headers = request.headers === undefined ? forwardedHeaders(call) : { ...request.headers, ...forwardedHeaders(call) };
      const prepared: UpstreamRequest = { ...request, headers, signal: request.signal ?? call.signal, deadlineAt: call.deadlineAt };
      // A write is sent twice only when the backend can tell the copies apart.
      const idempotent = request.method === 'GET' || headers['idempotency-key'] !== undefined;
      const policyCall = { idempotent, signal: call.signal, deadlineAt: call.deadlineAt, logger: call.logger };
      return policy.execute(() => http.request(prepared), policyCall);
    },
    close: () => http.close(),
  };
}
