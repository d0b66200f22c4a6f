/**
 * The load of each scenario: the exact HTTP requests, built once and replayed by
 * the load generator in order (each connection walks the list and starts over).
 * Requests rotate over users u1…u50 with their own tokens, so per-user data
 * (orders, recommendations) varies as in production while products and users
 * are shared and cacheable.
 */
import { SEED_PRODUCT_COUNT, SEED_USER_COUNT } from '../backends/seed-data.js';
import { signDevToken } from '../src/edge/sign-dev-token.js';
import { HOME_OPERATION, HOME_QUERY, PRODUCT_OPERATION, PRODUCT_QUERY } from './queries.js';
import { BENCH_JWT_SECRET } from './server-env.js';

export type ScenarioId = 'home' | 'small' | 'fixed-rate' | 'home-hung' | 'hung-fixed-rate';

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
  /** The recommendations backend hangs; the gateway's breaker must be open before measuring. */
  recommendationsHung: boolean;
  /** How many distinct requests are checked against the gateway's answers. */
  checkCount: number;
}

/** Every backend answers. */
export const HEALTHY_SCENARIOS: readonly ScenarioId[] = ['home', 'small', 'fixed-rate'];
/** The recommendations backend hangs (fresh servers, breakers opened first). */
export const HUNG_SCENARIOS: readonly ScenarioId[] = ['home-hung', 'hung-fixed-rate'];

/** The fixed rate of the latency scenario. */
export const FIXED_RATE = 500;

/** One signed token per seeded user; 12 h is longer than any run. */
export async function userTokens(): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 1; n <= SEED_USER_COUNT; n += 1) tokens.push(await signDevToken(`u${n}`, BENCH_JWT_SECRET, { expiresIn: '12h' }));
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

export function buildScenarios(tokens: readonly string[]): Record<ScenarioId, Scenario> {
  const home = tokens.map((token) => graphqlRequest(token, HOME_OPERATION, HOME_QUERY));
  const small: BenchRequest[] = [];
  for (let n = 1; n <= SEED_PRODUCT_COUNT; n += 1) {
    small.push(graphqlRequest(tokens[(n - 1) % tokens.length]!, PRODUCT_OPERATION, PRODUCT_QUERY, { id: `p${n}` }));
  }
  return {
    home: { id: 'home', title: 'home (10 orders + 5 recommendations)', requests: home, recommendationsHung: false, checkCount: home.length },
    small: { id: 'small', title: 'small (one product)', requests: small, recommendationsHung: false, checkCount: 50 },
    'fixed-rate': {
      id: 'fixed-rate',
      title: `home at a fixed ${FIXED_RATE} req/s`,
      requests: home,
      rate: FIXED_RATE,
      recommendationsHung: false,
      checkCount: 0, // the same requests as `home`, checked there
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

/** What the backends alone answer at the fixed rate: the orders list the home screen needs (the one uncached call). */
export function backendOnlyRequests(): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let n = 1; n <= SEED_USER_COUNT; n += 1) {
    requests.push({ method: 'GET', path: `/orders?userId=u${n}&limit=10`, headers: { accept: 'application/json', 'x-user-id': `u${n}` } });
  }
  return requests;
}
