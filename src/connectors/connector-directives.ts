import { buildSchema, type GraphQLDirective } from 'graphql';

/**
 * The SDL of `@source` and `@connect`. The gateway reads these directives from the
 * app's schema files and removes them before serving the schema: clients never see
 * backend paths or settings, and the app's schema files need not declare them (a
 * schema tool that wants to, e.g. codegen, can be given this SDL).
 *
 * Setting names and defaults are those of GATEWAY_CONFIG `services.<name>`, which
 * overrides them by source name.
 */
export const CONNECTOR_DIRECTIVES_SDL = /* GraphQL */ `
"""
A REST backend the schema's @connect fields call. Its base URL comes from the
environment variable named by baseUrlEnv; every other setting is optional.
"""
directive @source(
  "The backend's name: in errors (extensions.service), metrics, logs and GATEWAY_CONFIG services."
  name: String!
  "The environment variable holding the base URL, e.g. REVIEWS_URL."
  baseUrlEnv: String!
  "Per-attempt timeout. Default: UPSTREAM_TIMEOUT_MS."
  timeoutMs: Int
  "Retries after the first attempt (GETs only). Default: UPSTREAM_MAX_RETRIES."
  maxRetries: Int
  "How long an open breaker waits before a trial call. Default: BREAKER_HALF_OPEN_AFTER_MS."
  halfOpenAfterMs: Int
  "How the circuit breaker decides to open. Default: 5 failures in a row."
  breaker: ConnectorBreaker
  "Calls in flight at once, and calls waiting for a slot. Default: 64 and 256."
  bulkhead: ConnectorBulkhead
  "Most keys of one {$batch…} call; larger batches are split. Default: 100."
  maxBatchSize: Int
  "Keep-alive sockets to the backend. Default: 32."
  connections: Int
  "How long an answer is served from the cache without asking the backend. Default: 0 (no cache)."
  cacheFreshMs: Int
  "How long an answer may stand in when the backend fails (stale-if-error). Default: 0."
  cacheStaleMs: Int
) repeatable on SCHEMA

"""
Resolves the field with one GET to a @source. get is a path with variables:
{$args.x} (an argument), {$this.x} (a field of the parent), {$batch.x} (as $this,
but every parent of the request in one call), {$viewer.id} (the signed-in viewer).
A field without @connect on the same type keeps its resolver in code.
"""
directive @connect(
  "The @source name."
  source: String!
  "Path and query, relative to the source's base URL."
  get: String!
  "The part of the JSON body the field gets: a dotted path such as items; the whole body when absent."
  selection: String
  "With {$batch.x}, a key argument or {$viewer.id}: the field of each returned item that equals the key."
  batchKey: String
  "UNAUTHENTICATED, and no backend call, without a signed-in viewer (implied by {$viewer.id})."
  requiresViewer: Boolean = false
  "Most entries of each list argument in get; more is BAD_USER_INPUT, and no backend call."
  maxItems: Int
) on FIELD_DEFINITION

"GATEWAY_CONFIG services.<name>.breaker."
input ConnectorBreaker {
  kind: String!
  threshold: Int
  failureRate: Float
  windowSize: Int
  minimumCalls: Int
  windowMs: Int
  minimumRps: Float
  slowCallMs: Int
  slowCallRate: Float
  halfOpenCalls: Int
  successThreshold: Int
}

"GATEWAY_CONFIG services.<name>.bulkhead."
input ConnectorBulkhead {
  maxConcurrent: Int
  maxQueue: Int
}
`;

const definitions = buildSchema(`${CONNECTOR_DIRECTIVES_SDL}\ntype Query { _: Boolean }`);

/** `@source`, for reading its arguments with graphql-js' own coercion. */
export const SOURCE_DIRECTIVE = definitions.getDirective('source') as GraphQLDirective;
/** `@connect`, likewise. */
export const CONNECT_DIRECTIVE = definitions.getDirective('connect') as GraphQLDirective;
