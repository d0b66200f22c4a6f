import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { StaleWarning } from '../cache/stale-tracker.js';
import type { GatewayContext } from '../gateway-context.js';
import { contractErrorOf } from '../errors/upstream-error-to-graphql.js';
import { isUpstreamError } from '../upstream/upstream-error.js';

/** One entry of `extensions.degraded`: a backend whose part of the answer is missing or old. */
export interface DegradedService {
  service: string;
  /** The error code of its first failed field (SERVICE_UNAVAILABLE, UPSTREAM_TIMEOUT, …), or STALE_DATA when it only served stale values. */
  code: string;
  /** Seconds to wait before retrying: the smallest of its failed fields. Absent when only stale. */
  retryAfter?: number;
  /** True when some of its values were served from the cache after it failed. */
  stale: boolean;
}

interface StreamedPayload {
  errors?: readonly GraphQLError[];
  incremental?: readonly { errors?: readonly GraphQLError[] }[];
  extensions?: Record<string, unknown>;
}

/**
 * One summary per response of what is degraded, so an app can show "some content may
 * be outdated" or hide a section without walking the errors:
 * `extensions.degraded: [{ service, code, retryAfter?, stale }]`, each affected
 * service once: those with a failed field in the order of their first error, then those
 * that only served stale values. A service counts when a field of it failed with a
 * retryable backend error, or was served stale. Absent when nothing is.
 *
 * A streamed (@defer) answer carries the summary on every part from the first one
 * that has something degraded, each time for the whole response so far: the last
 * part's summary is the complete one, and an app that keeps only the latest
 * `extensions` loses nothing.
 */
export function useDegradationSummary(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const { stale } = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) {
            const summary = new Map<string, DegradedService>();
            addErrors(summary, result.errors);
            addStale(summary, stale.warnings);
            if (summary.size > 0) setResult({ ...result, extensions: { ...result.extensions, degraded: [...summary.values()] } });
            return undefined;
          }
          // Shared by the parts: stale.warnings grows as deferred fields resolve.
          const summary = new Map<string, DegradedService>();
          return {
            onNext({ result: part, setResult: setPart }) {
              const payload = part as StreamedPayload;
              addErrors(summary, payload.errors);
              for (const piece of payload.incremental ?? []) addErrors(summary, piece.errors);
              addStale(summary, stale.warnings);
              if (summary.size === 0) return;
              // Copies: a later part must not change what an earlier one said.
              const degraded = [...summary.values()].map((entry) => ({ ...entry }));
              setPart({ ...part, extensions: { ...payload.extensions, degraded } } as typeof part);
            },
          };
        },
      };
    },
  };
}

// Private:

function addErrors(summary: Map<string, DegradedService>, errors: readonly GraphQLError[] | undefined): void {
  for (const error of errors ?? []) {
    // Before yoga's masking the error is still the backend's; after it, the contract's.
    const original = error.originalError;
    const extensions: Record<string, unknown> | undefined = isUpstreamError(original) ? contractErrorOf(original).extensions : error.extensions;
    const { service, code, retryable, retryAfter } = extensions ?? {};
    if (retryable !== true || typeof service !== 'string' || typeof code !== 'string') continue;
    const entry = summary.get(service);
    if (entry === undefined) {
      summary.set(service, { service, code, ...(typeof retryAfter === 'number' ? { retryAfter } : {}), stale: false });
      continue;
    }
    if (entry.code === 'STALE_DATA') entry.code = code;
    if (typeof retryAfter === 'number' && (entry.retryAfter === undefined || retryAfter < entry.retryAfter)) entry.retryAfter = retryAfter;
  }
}

function addStale(summary: Map<string, DegradedService>, warnings: readonly StaleWarning[]): void {
  for (const { service } of warnings) {
    const entry = summary.get(service);
    if (entry === undefined) summary.set(service, { service, code: 'STALE_DATA', stale: true });
    else entry.stale = true;
  }
}
