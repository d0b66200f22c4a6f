import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * Computes a per-operation analysis once per parsed operation: yoga reuses the document
 * object of a query it has seen, so the work is never per request. Keyed by the
 * operation's own node (weakly), not by the client's `operationName`: a client sending
 * a cached document with ever new names cannot grow the memo, and a name that selects
 * no operation is computed each time (it is refused by execution anyway).
 */
export function memoizePerOperation<T>(
  compute: (document: DocumentNode, operationName: string | null | undefined) => T,
): (document: DocumentNode, operationName?: string | null) => T {
  const cache = new WeakMap<OperationDefinitionNode, T>();
  return (document, operationName) => {
    const operation = getOperationAST(document, operationName);
    if (operation === null || operation === undefined) return compute(document, operationName);
    if (cache.has(operation)) return cache.get(operation)!;
    const result = compute(document, operationName);
    cache.set(operation, result);
    return result;
  };
}
