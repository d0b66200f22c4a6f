/**
 * The load of each scenario: the exact HTTP requests, built once and replayed by
 * the load generator in order (each connection walks the list and starts over).
 * Requests rotate over `viewers` distinct users (u1…uN, 2,000 in a full run) with
 * their own tokens, so per-user data (orders, recommendations) varies as in
 * production while products are shared and cacheable, and each viewer sends a few
 * requests a minute, as a phone does — under the schema's `@rateLimit` and the
 * per-client limit, which the benchmark leaves at their defaults. "Many clients"
 * sends one request for each of 20,000 further viewers, never seen before.
 */
import { productIdFor, SEED_PRODUCT_COUNT, userIdFor } from '../../backends/seed-data.js';
import { ordersListPath } from '../../services/backend-paths.js';
import { signDevToken } from '../../src/index.js';
import { BENCH_JWT_SECRET } from '../servers/server-env.js';
import { HOME_OPERATION, HOME_ORDERS_FIRST, HOME_QUERY, PRODUCT_OPERATION, PRODUCT_QUERY } from './queries.js';

export type ScenarioId = 'home' | 'home-redis' | 'small' | 'fixed-rate' | 'many-clients' | 'home-hung' | 'hung-fixed-rate';

export interface BenchRequest {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  requests: BenchRequest[];
  /** Requests per second for a fixed-rate scenario; undefined = as fast as the server answers. */
  rate?: number;
  /** Each request is sent exactly once, in order, at `rate` (distinct viewers, none seen before). */
  once?: boolean;
  /** The recommendations backend hangs; the gateway's breaker must be open before measuring. */
  recommendationsHung: boolean;
  /** How many distinct requests are checked against the gateway's answers. */
  checkCount: number;
}

/** Every backend answers; the servers run without Redis. */
export const HEALTHY_SCENARIOS: readonly ScenarioId[] = ['home', 'small', 'fixed-rate'];
/** Every backend answers; the gateway and Apollo Server get REDIS_URL (fresh processes). */
export const REDIS_SCENARIOS: readonly ScenarioId[] = ['home-redis'];
/** The recommendations backend hangs (fresh servers, breakers opened first). */
export const HUNG_SCENARIOS: readonly ScenarioId[] = ['home-hung', 'hung-fixed-rate'];

/** The fixed rate of the latency scenario. */
export const FIXED_RATE = 500;

/** Home answers the fairness check compares per server (the first viewers'): enough to catch a difference, few enough to send at once. */
const HOME_CHECK_COUNT = 100;

/** The viewers of one run: the rotating ones first, then the many-clients ones. */
export interface ViewerCounts {
  viewers: number;
  manyClients: number;
}

/** Users the reference backends must seed for these counts (u1…uN). */
export function seededUsers(counts: ViewerCounts): number {
  return counts.viewers + counts.manyClients;
}

/**
 * One signed token per viewer, u1…uN in order (12 h is longer than any run). Signed once
 * per run: ~80 µs each with jose, under 2 s for 22,000.
 */
export async function userTokens(count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 1; n <= count; n += 1) tokens.push(await signDevToken(userIdFor(n), BENCH_JWT_SECRET, { expiresIn: '12h' }));
  return tokens;
}

function graphqlRequest(token: string, operationName: string, query: string, variables?: Record<string, unknown>): BenchRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(variables === undefined ? { operationName, query } : { operationName, query, variables }),
  };
}

/**
 * `tokens`: of u1…uN, N = seededUsers(counts). The rotating scenarios use the first
 * `counts.viewers`, many-clients the `counts.manyClients` after them.
 */
export function buildScenarios(tokens: readonly string[], counts: ViewerCounts, manyClientsRate: number): Record<ScenarioId, Scenario> {
  if (tokens.length < seededUsers(counts)) throw new Error(`${seededUsers(counts)} tokens needed, got ${tokens.length}`);
  const rotating = tokens.slice(0, counts.viewers);
  const home = rotating.map((token) => graphqlRequest(token, HOME_OPERATION, HOME_QUERY));
  const manyClients = tokens.slice(counts.viewers, seededUsers(counts)).map((token) => graphqlRequest(token, HOME_OPERATION, HOME_QUERY));
  // Viewer i asks for product i: every viewer and every product appear.
  const small: BenchRequest[] = [];
  for (let i = 0; i < Math.max(rotating.length, SEED_PRODUCT_COUNT); i += 1) {
    small.push(graphqlRequest(rotating[i % rotating.length]!, PRODUCT_OPERATION, PRODUCT_QUERY, { id: productIdFor((i % SEED_PRODUCT_COUNT) + 1) }));
  }
  const checked = Math.min(HOME_CHECK_COUNT, home.length);
  return {
    home: { id: 'home', title: 'home (10 orders + 5 recommendations)', requests: home, recommendationsHung: false, checkCount: checked },
    'home-redis': {
      id: 'home-redis',
      title: 'home, gateway and Apollo Server with REDIS_URL',
      requests: home,
      recommendationsHung: false,
      checkCount: checked,
    },
    small: { id: 'small', title: 'small (one product)', requests: small, recommendationsHung: false, checkCount: 50 },
    'fixed-rate': {
      id: 'fixed-rate',
      title: `home at a fixed ${FIXED_RATE} req/s`,
      requests: home,
      rate: FIXED_RATE,
      recommendationsHung: false,
      checkCount: 0, // the same requests as `home`, checked there
    },
    'many-clients': {
      id: 'many-clients',
      title: `home once for each of ${manyClients.length} new viewers at ${manyClientsRate} req/s`,
      requests: manyClients,
      rate: manyClientsRate,
      once: true,
      recommendationsHung: false,
      // A checked viewer would be a viewer seen before: the same query is checked on `home`.
      checkCount: 0,
    },
    'home-hung': {
      id: 'home-hung',
      title: 'home, recommendations hung (breaker open)',
      requests: home,
      recommendationsHung: true,
      // The baseline answers these only after its 1 s timeout: a few suffice.
      checkCount: 10,
    },
    // Closed-loop latency is connections ÷ throughput (CPU queueing), whatever the breaker does:
    // "p95 once the breaker is open" is measured at a rate the server can sustain.
    'hung-fixed-rate': {
      id: 'hung-fixed-rate',
      title: `home at a fixed ${FIXED_RATE} req/s, recommendations hung (breaker open)`,
      requests: home,
      rate: FIXED_RATE,
      recommendationsHung: true,
      checkCount: 0, // the same requests as `home-hung`, checked there
    },
  };
}

/** What the backends alone answer at the fixed rate: the orders list the home screen needs (the one uncached call), for the same viewers. */
export function backendOnlyRequests(viewers: number): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let n = 1; n <= viewers; n += 1) {
    const userId = userIdFor(n);
    requests.push({ method: 'GET', path: ordersListPath(userId, HOME_ORDERS_FIRST), headers: { accept: 'application/json', 'x-user-id': userId } });
  }
  return requests;
}
