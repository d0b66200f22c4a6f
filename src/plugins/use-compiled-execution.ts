import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ExecutedAs } from '../execution/compile-operation.js';
import { createCompiledOperationCache } from '../execution/compiled-operation-cache.js';
import type { ExecutionSettings } from '../execution/execution-settings.js';
import { toGraphQLErrors } from '../execution/jit-errors.js';

export interface CompiledExecutionOptions extends ExecutionSettings {
  /** Told of every operation executed: `compiled`, or why the standard executor ran it. */
  onExecuted?(how: ExecutedAs): void;
  /** Told once per operation graphql-jit could not compile. */
  onNotCompilable?(operationName: string | undefined, error: unknown): void;
}

/**
 * Runs operations compiled by graphql-jit (`executor: "jit"`), each compiled once (after
 * `compileAfterRuns` runs) and kept in a bounded cache (`createCompiledOperationCache`),
 * in place of yoga's interpreting executor. What graphql-jit cannot do goes to the
 * executor it replaces, unchanged: subscriptions, `@defer`/`@stream`, documents it fails
 * to compile, and variables that do not coerce. For those graphql-jit refuses before running anything,
 * and the standard executor then answers with its own request error (HTTP 400), so a
 * bad variable reads the same under both executors. graphql-jit and graphql-js accept
 * and refuse the same variables for every kind of input the schema uses
 * (test/unit/execution/variable-coercion-agreement.test.ts).
 *
 * Field errors leave as the standard executor would have made them (`toGraphQLErrors`): same
 * message, path, locations, original error and extensions, so masking, request ids and
 * the degradation summary see no difference. Resolvers are the schema's own, wrapped as
 * they are (field rate limits), and the context is yoga's: everything the resolvers do
 * (loaders, stale values, deadlines) is the same. The decision is made per execution,
 * on the arguments execution really gets, and counted through `onExecuted`.
 */
export function useCompiledExecution(options: CompiledExecutionOptions): Plugin & { readonly compiledOperations: () => number } {
  const cache = createCompiledOperationCache({
    maxOperations: options.maxCompiledOperations,
    compileAfterRuns: options.compileAfterRuns,
    ...(options.onNotCompilable === undefined ? {} : { onNotCompilable: options.onNotCompilable }),
  });
  const executed = options.onExecuted ?? (() => undefined);
  return {
    compiledOperations: () => cache.size,
    onExecute({ executeFn, setExecuteFn }) {
      const standard = executeFn;
      if (options.executor === 'standard') {
        setExecuteFn((args) => {
          executed('configured');
          return standard(args);
        });
        return;
      }
      setExecuteFn((args) => {
        const operation = cache.get(args.schema, args.document, args.operationName);
        if (operation.kind === 'standard') {
          executed(operation.reason);
          return standard(args);
        }
        const result = operation.query(args.rootValue, args.contextValue, args.variableValues);
        // Only a refusal of the variables comes back without `data`, and at once: nothing ran.
        if (!isPromiseLike(result) && !('data' in result)) {
          executed('invalid_variables');
          return standard(args);
        }
        executed('compiled');
        return isPromiseLike(result)
          ? Promise.resolve(result).then((done) => located(done, args, operation.lines))
          : located(result, args, operation.lines);
      });
    },
  };
}

// Private:

function located(result: ExecutionResult, args: ExecutionArgs, lines: Parameters<typeof toGraphQLErrors>[2]): ExecutionResult {
  const { errors, ...rest } = result;
  if (errors === undefined || errors.length === 0) return result;
  // `errors` first, as the standard executor orders them (the same bytes from both).
  return { errors: toGraphQLErrors(errors, args.document.loc?.source, lines), ...rest };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
