import type { CORSOptions } from 'graphql-yoga';

/** Headers a browser app may send: the GraphQL-over-HTTP ones, the token, tracing, its deadline and client identity. */
const ALLOWED_HEADERS = [
  'content-type',
  'accept',
  'authorization',
  'x-request-id',
  'x-request-timeout-ms',
  'if-none-match',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-client-name',
  'x-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

/** Headers a browser app may read from an answer. */
const EXPOSED_HEADERS = [
  'x-request-id',
  'etag',
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/**
 * CORS as the operator states it (CORS_ORIGINS), never reflected by default: yoga's
 * default answers any Origin with itself and `Access-Control-Allow-Credentials: true`.
 * - null (unset): no CORS headers at all; native apps and same-origin pages need none.
 * - a list of exact origins: only those get `Access-Control-Allow-Origin`.
 * - `['*']`: any origin may read answers, without credentials (bearer tokens are
 *   sent explicitly, never by the browser on its own).
 */
export function corsPolicy(origins: readonly string[] | null): CORSOptions | ((request: Request) => CORSOptions) {
  if (origins === null) return false;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const base = {
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  };
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !(any || allowed.has(origin))) return false;
    return { ...base, origin: [origin] };
  };
}
