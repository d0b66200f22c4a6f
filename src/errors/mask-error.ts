import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { isUpstreamError } from '../upstream/upstream-error.js';
import { upstreamErrorToGraphQL } from './upstream-error-to-graphql.js';

/**
 * The one boundary between internal failures and what a client sees: a backend
 * failure becomes the error contract (`upstreamErrorToGraphQL`), an error the code
 * raised on purpose (a GraphQLError) passes, anything else becomes "Unexpected error."
 * INTERNAL_SERVER_ERROR with no details (those go to the logs), in every mode.
 */
export function maskError(error: unknown, message: string): Error {
  const located = error instanceof GraphQLError ? error : null;
  const original = located?.originalError ?? error;
  if (isUpstreamError(original)) return upstreamErrorToGraphQL(original, located);
  return yogaMaskError(error, message, false);
}

/** An error a client should never have seen as it is: not ours, not a backend's. */
export function isUnexpectedError(error: unknown): boolean {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return original !== undefined && original !== null && !isUpstreamError(original) && !(original instanceof GraphQLError);
}
