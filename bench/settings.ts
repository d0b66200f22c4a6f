/** The command line of `npm run bench` and the settings it selects. */

export interface BenchSettings {
  mode: 'full' | 'quick';
  connections: number;
  /** One connection of load for each fresh server process first (see startRampedServers in run.ts). */
  rampSec: number;
  /** Warm-up before a server process's first measurement (JIT, pools, caches). */
  warmupSec: number;
  /** Warm-up before its later measurements (another scenario, a later round): refills caches that expired meanwhile. */
  rewarmSec: number;
  durationSec: number;
  /** Rounds of every server × scenario, alternating servers; the report takes the median. */
  rounds: number;
  backendLatenciesMs: number[];
  /**
   * Distinct viewers (u1…uN, each with its own token) the home, small and fixed-rate
   * scenarios rotate over. Real traffic has many clients, each sending a few requests:
   * enough viewers keep each one under the schema's `@rateLimit` and the per-client
   * limit, which the benchmark leaves at their defaults.
   */
  viewers: number;
  /** The "many clients" scenario: this many further viewers, each sending one home request, at `rate` req/s. */
  manyClients: { viewers: number; rate: number };
  /** Redis for the "home, Redis on" scenario; null: `--no-redis`, that scenario is skipped. */
  redisUrl: string | null;
  pin: boolean;
  /** Write a V8 CPU profile of each server process to bench/results/profiles/. */
  cpuProf: boolean;
  /** How long the hung-backend warm-up may take to open a breaker. */
  breakerTimeoutMs: number;
  /** The gateway's GATEWAY_EXECUTOR: `jit` (its default) or `standard`, to compare the two. */
  executor: 'jit' | 'standard';
}

/** The fixed rate of the many-clients scenario (req/s). */
export const MANY_CLIENTS_RATE = 250;

/** Where Redis runs in development and CI (.ci/run); BENCH_REDIS_URL overrides it. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const USAGE = `Usage: npm run bench [-- options]

  (no option)         full run, about 25 min on 2 cores: bench/results/summary.json (the
                      committed numbers), bench/results/latest.json (every measurement)
                      and docs/performance.md (its "## Profile" section is kept; to
                      rewrite it from summary.json alone: npx tsx bench/write-doc.ts)
  --quick             CI smoke run, under 2 min: every scenario at a small scale (500
                      viewers, 1,000 many-clients viewers, 10 connections, 1 s warm-up,
                      2 s measured, 1 round, backends at 0 ms only); writes
                      bench/results/quick.json only (docs/performance.md untouched)
  --no-redis          skip the "home, Redis on" scenario (otherwise Redis must answer at
                      BENCH_REDIS_URL, default ${DEFAULT_REDIS_URL})
  --no-pin            do not pin processes to cores with taskset
  --cpu-prof          write a CPU profile of each server to bench/results/profiles/
  --executor=standard run the gateway with GATEWAY_EXECUTOR=standard (graphql-js' interpreter)
                      instead of its default, jit (compiled execution), to compare the two
  --help              this text
`;

export function parseSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BenchSettings | 'help' {
  const known = new Set(['--quick', '--no-redis', '--no-pin', '--cpu-prof', '--executor=jit', '--executor=standard', '--help', '-h']);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(' ')}\n\n${USAGE}`);
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const quick = argv.includes('--quick');
  const redisUrl = env.BENCH_REDIS_URL === undefined || env.BENCH_REDIS_URL === '' ? DEFAULT_REDIS_URL : env.BENCH_REDIS_URL;
  return {
    mode: quick ? 'quick' : 'full',
    connections: quick ? 10 : 50,
    rampSec: quick ? 1 : 2,
    warmupSec: quick ? 1 : 10,
    rewarmSec: quick ? 1 : 3,
    durationSec: quick ? 2 : 10,
    rounds: quick ? 1 : 2,
    // Quick: 0 ms only (the setting the throughput targets are defined on), to stay well under 2 minutes.
    backendLatenciesMs: quick ? [0] : [0, 5],
    viewers: quick ? 500 : 2_000,
    // A rate a server that meets the throughput targets answers with room to spare even for new
    // viewers (three backend calls each, nothing cached), so the early and late medians follow the
    // cost of a request rather than a queue. 20,000 at 250 req/s: 80 s per server.
    manyClients: { viewers: quick ? 1_000 : 20_000, rate: MANY_CLIENTS_RATE },
    redisUrl: argv.includes('--no-redis') ? null : redisUrl,
    pin: !argv.includes('--no-pin'),
    cpuProf: argv.includes('--cpu-prof'),
    breakerTimeoutMs: 30_000,
    executor: argv.includes('--executor=standard') ? 'standard' : 'jit',
  };
}
