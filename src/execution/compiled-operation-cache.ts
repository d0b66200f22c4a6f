import { createHash } from 'node:crypto';
import { getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { compileOperation, refusal, type CompiledOperation } from './compile-operation.js';

export interface CompiledOperationCacheOptions {
  /** Compiled operations kept; the least recently used document goes first. */
  maxOperations: number;
  /** Runs on the standard executor an operation has before it is compiled; 0 compiles it at once. */
  compileAfterRuns: number;
  /** Told once per operation graphql-jit could not compile (it then runs on the standard executor). */
  onNotCompilable?(operationName: string | undefined, error: unknown): void;
}

/** Each operation compiled once, however many requests send it. */
export interface CompiledOperationCache {
  /** The operation of `document` that `operationName` selects, compiled, or why it runs on the standard executor. */
  get(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledOperation;
  /** Compiled (or refused) operations held now. */
  readonly size: number;
}

/** Operations counted before they are compiled, per compiled operation kept. */
const COUNTED_PER_KEPT = 10;

/**
 * A bounded LRU of compiled operations, keyed by the document's text and then by the
 * name of the operation it selects. By text, not by the parsed document object: yoga's
 * parse cache hands out the same object for the same text, but only while it keeps it
 * (1,024 documents, an hour), and a persisted or automatic persisted query is the same
 * text on every request, so it is compiled once for as long as it stays in use. By the
 * selected operation's own name, not the client's `operationName`: a name that selects
 * nothing is never stored (the standard executor refuses it), so clients cannot grow
 * the cache with names, only with documents, and documents are what the bound counts:
 * each is charged one per operation compiled from it. Refusals are kept too, so a
 * document graphql-jit cannot compile is tried once, not on every request.
 *
 * Compiling costs more than running once on the standard executor (~1–5 ms for the home
 * screen, 20 ms for a deep document, against ~1.5 ms of CPU for a home request), so an
 * operation is compiled only once it has run `compileAfterRuns` times: a document sent
 * once (a one-off, a GraphiQL experiment, or a client varying whitespace to force a
 * compile on every request) never is. The runs are counted by a digest of the text in a
 * second LRU of ten entries per compiled operation kept; a flood of one-off documents can
 * push a real one out of it before its runs add up, and then it keeps running on the
 * standard executor a little longer, nothing worse.
 */
export function createCompiledOperationCache(options: CompiledOperationCacheOptions): CompiledOperationCache {
  const documents = new LRUCache<string, Map<string, CompiledOperation>>({
    maxSize: options.maxOperations,
    sizeCalculation: (operations) => Math.max(1, operations.size),
  });
  const runs = options.compileAfterRuns === 0 ? null : new LRUCache<string, number>({ max: options.maxOperations * COUNTED_PER_KEPT });
  const keep = (body: string, name: string, operation: CompiledOperation, operations: Map<string, CompiledOperation> | undefined) => {
    // A new map: lru-cache counts a value's size only when the value it is given changes.
    const updated = new Map(operations ?? []);
    updated.set(name, operation);
    documents.set(body, updated);
    return operation;
  };
  return {
    get(schema, document, operationName) {
      const operation = getOperationAST(document, operationName);
      const body = document.loc?.source.body;
      // No operation selected: the standard executor answers with the request error.
      // No source text (a document built without locations): graphql-jit's errors could not be placed.
      if (operation === null || operation === undefined || body === undefined) return { kind: 'standard', schema, reason: 'not_compilable' };
      const name = operation.name?.value ?? '';
      const operations = documents.get(body);
      const found = operations?.get(name);
      if (found !== undefined && found.schema === schema) return found;
      const refused = refusal(document, operation);
      if (refused !== null) return keep(body, name, { kind: 'standard', schema, reason: refused }, operations);
      if (runs !== null) {
        const key = `${createHash('sha256').update(body).digest('base64')} ${name}`;
        const seen = runs.get(key) ?? 0;
        if (seen < options.compileAfterRuns) {
          runs.set(key, seen + 1);
          return { kind: 'standard', schema, reason: 'not_yet_compiled' };
        }
        runs.delete(key);
      }
      const compiled = compileOperation(schema, document, operation);
      if (compiled.kind === 'standard' && compiled.reason === 'not_compilable') options.onNotCompilable?.(operation.name?.value, compiled.error);
      return keep(body, name, compiled, operations);
    },
    get size() {
      return documents.calculatedSize;
    },
  };
}
