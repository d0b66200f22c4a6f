import { GraphQLError } from 'graphql';
import type { UpstreamError } from '../upstream/upstream-error.js';

/** When nothing better is known, how long an app should wait before retrying a failed field. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** What the error contract says of a backend failure: its message and extensions. */
export interface ContractError {
  message: string;
  extensions: { code: 'SERVICE_UNAVAILABLE' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR'; service: string; retryable: boolean; retryAfter?: number };
}

/**
 * The one place where a backend failure becomes a client-facing error
 * (ARCHITECTURE.md, "Error contract"). Only the service name and the contract's
 * extensions leave the gateway: never a URL, a status line, a body or a stack.
 */
export function upstreamErrorToGraphQL(error: UpstreamError, located: GraphQLError | null): GraphQLError {
  const { message, extensions } = contractErrorOf(error);
  // A client-facing error needs no stack trace (and must not leak one): skip capturing it.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(message, {
      nodes: located?.nodes ?? null,
      source: located?.source ?? null,
      positions: located?.positions ?? null,
      path: located?.path ?? null,
      extensions,
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The contract's code, message and extensions of a backend failure, without building an error (the degradation summary reads them per failed field). */
export function contractErrorOf(error: UpstreamError): ContractError {
  const { service } = error;
  let code: 'SERVICE_UNAVAILABLE' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR';
  let retryable = true;
  let message: string;
  switch (error.kind) {
    case 'timeout':
      code = 'UPSTREAM_TIMEOUT';
      message = `${service} did not answer in time`;
      break;
    case 'network':
    case 'circuit_open':
    case 'bulkhead_full':
      code = 'SERVICE_UNAVAILABLE';
      message = `${service} is temporarily unavailable`;
      break;
    case 'status':
      if (error.status === 503 || error.status === 429) {
        code = 'SERVICE_UNAVAILABLE';
        message = `${service} is temporarily unavailable`;
      } else {
        code = 'UPSTREAM_ERROR';
        message = `${service} failed to answer`;
        // A 4xx the gateway did not expect is a bug on one side; retrying repeats it.
        retryable = error.status === undefined || error.status >= 500;
      }
      break;
    case 'bad_body':
      code = 'UPSTREAM_ERROR';
      message = `${service} sent an invalid answer`;
      break;
  }
  return {
    message,
    extensions: retryable ? { code, service, retryable, retryAfter: error.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS } : { code, service, retryable },
  };
}
