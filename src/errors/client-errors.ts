import { GraphQLError, type ASTNode } from 'graphql';

/**
 * The errors of the contract that are about the request, not about a backend
 * (docs/architecture.md, "Error contract"); each carries `code` and `retryable`.
 * Backend failures become GraphQL errors in `upstream-error-to-graphql.ts`; nothing
 * else builds client-facing errors (the app's resolvers use these through src/index.ts).
 */

export function unauthenticated(reason: 'missing' | 'invalid' | 'expired'): GraphQLError {
  const message =
    reason === 'missing'
      ? 'Sign in required: send Authorization: Bearer <token>'
      : reason === 'expired'
        ? 'The access token has expired'
        : 'The access token is not valid';
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', retryable: false } });
}

/**
 * The token could not be checked because the identity provider's key set did not
 * answer (JWT_JWKS_URL). Not UNAUTHENTICATED: the token may be fine, and an app that
 * hears UNAUTHENTICATED signs its user out. The contract's code for "a service we
 * depend on is down, retry later", with `service: "identity-provider"`.
 */
export function identityProviderUnavailable(retryAfter: number): GraphQLError {
  return new GraphQLError(`Sign-in cannot be checked right now: try again in ${retryAfter} s`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', service: 'identity-provider', retryable: true, retryAfter },
  });
}

export function forbidden(message = 'Not allowed for this viewer'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', retryable: false } });
}

/** `nodes`: where in the document the bad input is (a scalar's literal), for `locations`. */
export function badUserInput(message: string, details: Record<string, unknown> = {}, nodes?: ASTNode): GraphQLError {
  return new GraphQLError(message, { ...(nodes === undefined ? {} : { nodes }), extensions: { code: 'BAD_USER_INPUT', retryable: false, ...details } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND', retryable: false } });
}

export function conflict(message: string, currentVersion: number | null): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CONFLICT', retryable: false, currentVersion } });
}

export function syncTokenRejected(code: 'SYNC_TOKEN_INVALID' | 'SYNC_TOKEN_EXPIRED', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, retryable: false, action: 'FULL_RESYNC' } });
}

/** An id the gateway will not send to a backend; the id itself is not echoed (it may be huge). */
export function invalidId(): GraphQLError {
  return badUserInput('An id is 1-128 letters, digits or _.:~=+-', { argument: 'id' });
}

/** The client is over its request limit: retry after `retryAfter` seconds. */
export function rateLimited(retryAfter: number): GraphQLError {
  return new GraphQLError(`Too many requests: try again in ${retryAfter} s`, {
    extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter },
  });
}

/**
 * APQ: the hash is not registered (or has expired): the client sends the full query
 * once. HTTP 200, as Apollo's protocol expects.
 */
export function persistedQueryNotFound(): GraphQLError {
  return new GraphQLError('PersistedQueryNotFound', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: true, http: { status: 200 } },
  });
}

/** APQ: the hash sent is not the SHA-256 of the query sent. HTTP 200, as Apollo's protocol expects. */
export function persistedQueryMismatch(): GraphQLError {
  return new GraphQLError('PersistedQueryMismatch', {
    extensions: { code: 'PERSISTED_QUERY_MISMATCH', retryable: false, http: { status: 200 } },
  });
}

/** A field over its `@rateLimit`: the field alone fails; `retryAfter` is when one more call fits. */
export function fieldRateLimited(fieldName: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests for ${fieldName}: try again in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryable: true, retryAfter: retryAfterSeconds },
  });
}

/**
 * The app is older than the oldest version still served: no data, and the app shows
 * its upgrade screen. HTTP 200, so clients read it as a GraphQL answer, not a transport failure.
 */
export function upgradeRequired(clientName: string, minimumVersion: string): GraphQLError {
  return new GraphQLError(`This version of ${clientName} is no longer supported: update to ${minimumVersion} or later`, {
    extensions: { code: 'UPGRADE_REQUIRED', retryable: false, minimumVersion },
  });
}

export type ComplexityKind = 'depth' | 'aliases' | 'directives' | 'tokens' | 'selections' | 'overlaps' | 'cost';

/** QUERY_TOO_COMPLEX: HTTP 400, with the limit and the actual value. */
export function queryTooComplex(kind: ComplexityKind, limit: number, actual: number | string): GraphQLError {
  return new GraphQLError(`Query is too complex: ${kind} ${actual} exceeds the limit of ${limit}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind, limit, actual, http: { status: 400 } },
  });
}

/** A cross-site form post (urlencoded, multipart: no CORS preflight), refused with 403. */
export function crossSiteFormRefused(): GraphQLError {
  return new GraphQLError('Cross-site form requests are refused: send application/json', {
    extensions: { code: 'FORBIDDEN', retryable: false, http: { status: 403 } },
  });
}

/**
 * Trusted documents (PERSISTED_QUERIES=only): the errors of the persisted-operations
 * plugin, as the plain `{ message, extensions }` it takes. HTTP 400: retrying the same
 * request cannot help.
 */
export const trustedDocumentErrors = {
  notFound: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: false, http: { status: 400 } } },
  persistedQueryOnly: {
    message: 'Only trusted (persisted) operations may run on this gateway',
    extensions: { code: 'PERSISTED_QUERY_ONLY', retryable: false, http: { status: 400 } },
  },
  keyNotFound: { message: 'PersistedQueryKeyNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', retryable: false, http: { status: 400 } } },
} as const;

/** The request body is over `limits.maxBodyBytes` (sent as is with HTTP 413, before GraphQL). */
export function requestEntityTooLarge(maxBytes: number): GraphQLError {
  return new GraphQLError(`Request body too large: at most ${maxBytes} bytes`, {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', retryable: false },
  });
}
