import { GraphQLError } from 'graphql';

export type ComplexityKind = 'depth' | 'aliases' | 'directives' | 'tokens' | 'selections' | 'overlaps' | 'cost';

/** QUERY_TOO_COMPLEX of the error contract: HTTP 400, with the limit and the actual value. */
export function queryTooComplex(kind: ComplexityKind, limit: number, actual: number | string): GraphQLError {
  return new GraphQLError(`Query is too complex: ${kind} ${actual} exceeds the limit of ${limit}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind, limit, actual, http: { status: 400 } },
  });
}
