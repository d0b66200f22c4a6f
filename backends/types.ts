import type { Fault } from './fault-injector.js';

/** Public types of the in-process reference-backend API. */

export type ServiceName = 'users' | 'catalog' | 'orders' | 'recommendations';

export const SERVICE_NAMES: readonly ServiceName[] = ['users', 'catalog', 'orders', 'recommendations'];

/**
 * Every reference backend: the four the app's code-defined services call, and `reviews`,
 * the backend of the schema-only example in docs/adding-a-backend.md (started on its own).
 */
export type BackendName = ServiceName | 'reviews';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/orders/o00001`. */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
  /** The headers the gateway is expected to propagate, and those it must never forward (`authorization`, `cookie`); lowercased names. */
  headers: Record<string, string | undefined>;
}

export interface BackendStats {
  requests: number;
  byRoute: Record<string, number>;
}

export interface ReferenceBackend {
  readonly name: BackendName;
  /** e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly port: number;
  /** Same as POST /__faults; throws InvalidFaultError for an invalid fault. */
  setFault(fault: Fault): void;
  /** Same as DELETE /__faults. */
  clearFault(): void;
  /** Same as GET /__faults. */
  getFault(): Fault;
  /** Non-control requests received since start / the last reset (counted before faults apply). */
  stats(): BackendStats;
  /** Zeroes the stats and clears the recorded requests. */
  resetStats(): void;
  /** The last 1000 non-control requests, oldest first (a snapshot). */
  readonly requests: readonly RecordedRequest[];
  /**
   * Resolves once `stats().requests >= count` — an event-based way for a test
   * to know a request reached the backend (e.g. one that is going to hang).
   */
  waitForRequests(count: number): Promise<void>;
  /** Stops listening and destroys open sockets (including hung requests). Idempotent. */
  close(): Promise<void>;
}

export interface ReferenceBackends extends Record<ServiceName, ReferenceBackend> {
  readonly urls: Record<ServiceName, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = ephemeral port. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Base latency added to every non-control response (default 0 = none). */
  latencyMs?: number;
  /**
   * true: behave like an internal service behind a BFF that believes `X-User-Id`
   * without checking it: the orders backend applies a PATCH to anyone's order
   * (no 403). Tests use it to prove the gateway alone keeps viewers apart. The users
   * backend has no ownership checks in either mode (it serves every user, email
   * included, to any caller), nor do the other reads. Default false.
   */
  trustGateway?: boolean;
  /** Users u1…uN the users and orders backends are seeded with (default 50: the documented seed). */
  users?: number;
  /** Orders of each seeded user (default 30). */
  ordersPerUser?: number;
}
