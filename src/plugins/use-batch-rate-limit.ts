import type { Plugin } from 'graphql-yoga';
import type { RateLimitDecision } from '../edge/client-rate-limiter.js';
import { rateLimitHeaders, tooManyRequests } from '../edge/too-many-requests.js';
import { scopeOf, type RequestScope, type RequestScopeServerContext } from '../request-scope.js';

export interface BatchRateLimitOptions {
  /** Counts `requests` more requests for the client of this HTTP request. */
  charge(scope: RequestScope, requests: number): Promise<RateLimitDecision>;
  /** Larger batches are refused (413) by yoga itself, uncounted. */
  maxBatch: number;
  /** Told about every refused batch (metrics). */
  onLimited?(): void;
}

/**
 * The client limit counts every operation of a batch: the node:http handler counted the
 * HTTP request (one operation) before reading its body; once the body is parsed, a batch
 * of n operations is charged n − 1 more, and refused with the same 429 RATE_LIMITED when
 * that takes the client over its limit (no operation of it runs). Without this a batch of
 * 10 was 10 operations for the price of one. The answer's `RateLimit-Remaining` is the
 * count after the whole batch.
 */
export function useBatchRateLimit(options: BatchRateLimitOptions): Plugin<RequestScopeServerContext> {
  const decisions = new WeakMap<Request, RateLimitDecision>();
  return {
    onRequestParse({ request, serverContext, requestParser, setRequestParser }) {
      // Yoga's own parsers (GET, JSON, …) run before user plugins: this wraps the one chosen.
      if (requestParser === undefined) return;
      setRequestParser(async (parsing) => {
        const params = await requestParser(parsing);
        if (!Array.isArray(params) || params.length <= 1 || params.length > options.maxBatch) return params;
        const decision = await options.charge(scopeOf(serverContext), params.length - 1);
        decisions.set(request, decision);
        if (decision.allowed) return params;
        options.onLimited?.();
        const refusal = tooManyRequests(decision);
        return new Response(refusal.body, { status: refusal.status, headers: refusal.headers });
      });
    },
    onResponse({ request, response }) {
      const decision = decisions.get(request);
      if (decision === undefined) return;
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) response.headers.set(name, value);
    },
  };
}
