import { GraphQLError, isLeafType, type GraphQLSchema, type Source } from 'graphql';

/**
 * graphql-jit's field errors, made the errors the standard executor (yoga's,
 * @graphql-tools/executor) would have produced, so that nothing after execution
 * (masking, request ids, the degradation summary, yoga's own serialisation) can tell
 * the executors apart.
 *
 * graphql-jit builds its own error objects: `locations` is set but `nodes`, `source` and
 * `positions` are not, and every step that rebuilds an error from those (yoga's masking
 * and serialisation, `upstreamErrorToGraphQL`, `useErrorRequestIds`) would drop the
 * locations; `extensions` is absent unless the original error had some
 * (zalando-incubator/graphql-jit#234). Here each becomes a graphql-js `GraphQLError`
 * at the same source positions, with the same path and original error, whose
 * extensions it carries as graphql-js does.
 *
 * Some failures the standard executor raises as plain `Error`s, which the masking
 * treats as unexpected (INTERNAL_SERVER_ERROR, details only in the logs): a non-null
 * field that resolved to null, and a leaf value its type cannot serialize (it turns the
 * scalar's GraphQLError into a plain Error, so a backend's lie never reaches the app).
 * graphql-jit gives neither an original error; they get the same plain `Error` here.
 * The others it raises itself (a list that is not iterable, a null argument) are
 * GraphQLErrors under both executors.
 */
export function toGraphQLErrors(errors: readonly GraphQLError[], source: Source | undefined, lines: LineStarts): GraphQLError[] {
  return errors.map((error) => toGraphQLError(error, source, lines));
}

/** Where each line of a document starts, worked out on the first error that needs it. */
export interface LineStarts {
  of(source: Source): readonly number[];
}

export function createLineStarts(): LineStarts {
  let starts: readonly number[] | undefined;
  return {
    of(source) {
      if (starts === undefined) {
        const found = [0];
        // The line terminators of the GraphQL lexer, as graphql-js' getLocation counts them.
        for (const match of source.body.matchAll(/\r\n|[\n\r]/g)) found.push(match.index + match[0].length);
        starts = found;
      }
      return starts;
    },
  };
}

/**
 * Serializers for every leaf type of the schema that keep what a failing `serialize`
 * threw. graphql-jit passes only the thrown error's `message` on to the field error it
 * creates, so a serializer's failure would look like any error graphql-jit makes; the
 * error itself rides inside that message as a `SerializerFailure`, a String that
 * `toGraphQLErrors` unpacks. Were it not unpacked, it would still print as its text.
 */
export function serializersKeepingErrors(schema: GraphQLSchema): Record<string, (value: unknown) => unknown> {
  const serializers: Record<string, (value: unknown) => unknown> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isLeafType(type)) continue;
    serializers[type.name] = (value) => {
      try {
        return type.serialize(value);
      } catch (error) {
        // graphql-jit reads `.message` of what is thrown, and nothing else.
        throw { message: new SerializerFailure(error) };
      }
    };
  }
  return serializers;
}

// Private:

/**
 * Failures graphql-jit reports without an original error that the standard executor
 * raises as plain Errors: a non-null field that resolved to null (the same message in
 * both), and a serializer that returned nothing.
 */
const UNEXPECTED = [/^Cannot return null for non-nullable field /, /^Expected a value of type "/];

/** graphql-jit's wording of errors it makes itself, where the standard executor's differs. */
const STANDARD_WORDING: readonly [RegExp, string][] = [
  [/^Expected Iterable, but did not find one for field ([A-Za-z_][\w]*\.[A-Za-z_][\w]*)\.$/, 'Expected Iterable, but did not find one for field "$1".'],
];

class SerializerFailure extends String {
  readonly error: unknown;
  constructor(error: unknown) {
    super(error instanceof Error ? error.message : String(error));
    this.error = error;
  }
}

function toGraphQLError(error: GraphQLError, source: Source | undefined, lines: LineStarts): GraphQLError {
  let message: unknown = error.message;
  let original: unknown = error.originalError;
  if (message instanceof SerializerFailure) {
    // As the standard executor does (completeLeafValue): a serializer's GraphQLError becomes a plain Error.
    original = message.error instanceof GraphQLError ? new Error(message.error.message) : message.error;
    message = message.toString();
  }
  let text = String(message);
  if (original === undefined) {
    if (UNEXPECTED.some((pattern) => pattern.test(text))) original = new Error(text);
    for (const [pattern, wording] of STANDARD_WORDING) text = text.replace(pattern, wording);
  }
  if (original !== undefined && !(original instanceof Error)) {
    // A resolver threw something that is not an Error: graphql-js wraps it so.
    original = new Error(`Unexpected error value: ${describe(original)}`);
    text = (original as Error).message;
  }
  const positions =
    source === undefined || error.locations === undefined
      ? undefined
      : error.locations.map(({ line, column }) => (lines.of(source)[line - 1] ?? 0) + column - 1);
  // The stack is the original error's when there is one (graphql-js copies it); without
  // one it would only show this rebuild. Not capturing it saves the costliest part of a
  // field error, which an open breaker answers for every request.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(text, {
      source: positions === undefined ? null : source ?? null,
      positions: positions ?? null,
      path: error.path ?? null,
      originalError: original instanceof Error ? original : null,
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
