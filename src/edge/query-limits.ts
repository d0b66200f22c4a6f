/** Limits a query must stay within before anything is executed. */
export interface QueryLimits {
  /** Nesting of fields. @default 10 */
  maxDepth: number;
  /** Aliased fields in one operation. @default 15 */
  maxAliases: number;
  /** Directives in one operation. @default 20 */
  maxDirectives: number;
  /** Lexical tokens in the document. @default 2000 */
  maxTokens: number;
  /**
   * Selections of the document once its fragments are expanded (see `countSelections`):
   * bounds what a document of few tokens can expand to before validation walks it.
   * @default 10000
   */
  maxSelections: number;
  /**
   * Pairs of selections of one response field that validation must compare (a field
   * selected n times at one place is n(n−1)/2 pairs). @default 2000
   */
  maxOverlaps: number;
  /** Estimated cost (see `estimateQueryCost`). @default 5000 */
  maxCost: number;
  /** Size assumed for lists without `first`/`ids`. @default 10 */
  defaultListSize: number;
  /** Request body size; bigger bodies get 413. @default 65536 */
  maxBodyBytes: number;
  /** Operations in one batched (array) request. @default 10 */
  maxBatch: number;
  /** A client must send its request headers within this; else 408 and the connection closes. @default 10000 */
  headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this; else 408. @default 30000 */
  requestTimeoutMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  maxSelections: 10_000,
  maxOverlaps: 2000,
  maxCost: 5000,
  defaultListSize: 10,
  maxBodyBytes: 64 * 1024,
  maxBatch: 10,
  // Node's own defaults (60 s, 300 s) let a slow client hold a socket for minutes.
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
