import { z } from 'zod';

/** Which executor runs operations: compiled (graphql-jit) or graphql-js' interpreter. */
export const EXECUTORS = ['jit', 'standard'] as const;
export type Executor = (typeof EXECUTORS)[number];

/** How operations are executed (GATEWAY_EXECUTOR, GATEWAY_CONFIG `execution`). */
export interface ExecutionSettings {
  /**
   * `jit`: each operation is compiled once into a JavaScript function (graphql-jit) and
   * that function runs it; operations it cannot run go to the standard executor.
   * `standard`: every operation is interpreted by yoga's executor, as before.
   * @default "jit"
   */
  executor: Executor;
  /**
   * Compiled operations kept (least recently used evicted). A compiled home-screen
   * query with its document takes about 27 KB of heap, a one-product query about 11 KB.
   * @default 500
   */
  maxCompiledOperations: number;
  /**
   * Runs an operation has on the standard executor before it is compiled: compiling costs
   * a few times one run, so a document sent once is never compiled. 0 compiles at once.
   * @default 1
   */
  compileAfterRuns: number;
}

export const DEFAULT_EXECUTION_SETTINGS: ExecutionSettings = { executor: 'jit', maxCompiledOperations: 500, compileAfterRuns: 1 };

/** The `execution` key of the GATEWAY_CONFIG file. */
export const executionFileSchema = z
  .object({
    maxCompiledOperations: z
      .number({ error: 'expected an integer from 1 to 100000' })
      .int({ error: 'expected an integer from 1 to 100000' })
      .min(1, { error: 'expected an integer from 1 to 100000' })
      .max(100_000, { error: 'expected an integer from 1 to 100000' })
      .optional(),
    compileAfterRuns: z
      .number({ error: 'expected an integer from 0 to 1000' })
      .int({ error: 'expected an integer from 0 to 1000' })
      .min(0, { error: 'expected an integer from 0 to 1000' })
      .max(1000, { error: 'expected an integer from 0 to 1000' })
      .optional(),
  })
  .strict();
