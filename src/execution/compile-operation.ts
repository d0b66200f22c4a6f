import { BREAK, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { createLineStarts, serializersKeepingErrors, type LineStarts } from './jit-errors.js';

/** Why an operation runs on the standard executor rather than compiled. */
export type StandardReason =
  /** GATEWAY_EXECUTOR=standard. */
  | 'configured'
  /** A subscription: graphql-jit's subscribe is not used. */
  | 'subscription'
  /** `@defer` / `@stream`: graphql-jit has no incremental delivery. */
  | 'incremental'
  /** graphql-jit refused or failed to compile it, or no single operation is selected. */
  | 'not_compilable'
  /** Run fewer times than `compileAfterRuns` so far: one-off documents are never compiled. */
  | 'not_yet_compiled'
  /** Its variables do not coerce: the standard executor gives the request error (400). */
  | 'invalid_variables';

/** How one operation was executed: `compiled` (graphql-jit), or the standard executor's reason. */
export type ExecutedAs = 'compiled' | StandardReason;

export const STANDARD_REASONS: readonly StandardReason[] = [
  'configured',
  'subscription',
  'incremental',
  'not_compilable',
  'not_yet_compiled',
  'invalid_variables',
];

/** One operation, compiled by graphql-jit, or the reason it is not. */
export type CompiledOperation =
  | {
      readonly kind: 'compiled';
      readonly schema: GraphQLSchema;
      readonly query: CompiledQuery['query'];
      /** The document's line starts, for placing graphql-jit's errors. */
      readonly lines: LineStarts;
    }
  | { readonly kind: 'standard'; readonly schema: GraphQLSchema; readonly reason: StandardReason; readonly error?: unknown };

/**
 * Compiles the selected operation of a document with graphql-jit, with the options the
 * gateway needs: serializers that keep a scalar's own error (see `serializersKeepingErrors`),
 * no stack traces for the errors graphql-jit makes (they are rebuilt anyway), and
 * `useExperimentalPathBasedSkipInclude`, without which one fragment spread in two places
 * under different `@skip`/`@include` conditions gives wrong data (graphql-jit#166, #111).
 */
export function compileOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CompiledOperation {
  const refused = refusal(document, operation);
  if (refused !== null) return { kind: 'standard', schema, reason: refused };
  let compiled: CompiledQuery | ExecutionResult;
  try {
    compiled = compileQuery(schema, document, operation.name?.value, {
      customSerializers: serializersFor(schema),
      disablingCapturingStackErrors: true,
      useExperimentalPathBasedSkipInclude: true,
    });
  } catch (error) {
    return { kind: 'standard', schema, reason: 'not_compilable', error };
  }
  if (!isCompiledQuery(compiled)) return { kind: 'standard', schema, reason: 'not_compilable', error: compiled.errors?.[0] };
  return { kind: 'compiled', schema, query: compiled.query, lines: createLineStarts() };
}

/** Why an operation can never run compiled, found without compiling it; null when it may. */
export function refusal(document: DocumentNode, operation: OperationDefinitionNode): 'subscription' | 'incremental' | null {
  if (operation.operation === 'subscription') return 'subscription';
  if (usesIncrementalDelivery(document)) return 'incremental';
  return null;
}

// Private:

/** Built once per schema: one closure per leaf type. */
const serializersBySchema = new WeakMap<GraphQLSchema, Record<string, (value: unknown) => unknown>>();

function serializersFor(schema: GraphQLSchema): Record<string, (value: unknown) => unknown> {
  let serializers = serializersBySchema.get(schema);
  if (serializers === undefined) {
    serializers = serializersKeepingErrors(schema);
    serializersBySchema.set(schema, serializers);
  }
  return serializers;
}

/** Any `@defer` or `@stream` in the document (its other operations included: cheap, and never wrong). */
function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
