/** The command line of `npm run bench` and the settings it selects. */
import type { RateGenerator } from './measure.js';

export interface BenchSettings {
  mode: 'full' | 'quick';
  connections: number;
  /** Warm-up before a server process's first measurement (JIT, pools, caches). */
  warmupSec: number;
  /** Warm-up before its later measurements (another scenario, a later round): refills caches that expired meanwhile. */
  rewarmSec: number;
  durationSec: number;
  /** Rounds of every server × scenario, alternating servers; the report takes the median. */
  rounds: number;
  backendLatenciesMs: number[];
  rateGenerator: RateGenerator;
  pin: boolean;
  /** Write a V8 CPU profile of each server process to bench/results/profiles/. */
  cpuProf: boolean;
  /** How long the hung-backend warm-up may take to open a breaker. */
  breakerTimeoutMs: number;
}

export const USAGE = `Usage: npm run bench [-- options]

  (no option)         full run, about 15 min on 2 cores: bench/results/latest.json and
                      docs/performance.md (its "## Profile" section is kept)
  --quick             CI smoke run: 10 connections, 1 s warm-up, 2 s measured, 1 round,
                      backends at 0 ms only; writes bench/results/quick.json only
                      (docs/performance.md untouched)
  --no-pin            do not pin processes to cores with taskset
  --autocannon-rate   drive the fixed-rate scenario with autocannon's overallRate instead of
                      the paced open-loop generator (bursty; see bench/paced-load.ts)
  --cpu-prof          write a CPU profile of each server to bench/results/profiles/
  --help              this text
`;

export function parseSettings(argv: readonly string[]): BenchSettings | 'help' {
  const known = new Set(['--quick', '--no-pin', '--autocannon-rate', '--cpu-prof', '--help', '-h']);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(' ')}\n\n${USAGE}`);
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const quick = argv.includes('--quick');
  return {
    mode: quick ? 'quick' : 'full',
    connections: quick ? 10 : 50,
    warmupSec: quick ? 1 : 10,
    rewarmSec: quick ? 1 : 3,
    durationSec: quick ? 2 : 10,
    rounds: quick ? 1 : 2,
    // Quick: 0 ms only (the setting the throughput targets are defined on), to stay well under 2 minutes.
    backendLatenciesMs: quick ? [0] : [0, 5],
    rateGenerator: argv.includes('--autocannon-rate') ? 'autocannon' : 'paced',
    pin: !argv.includes('--no-pin'),
    cpuProf: argv.includes('--cpu-prof'),
    breakerTimeoutMs: 30_000,
  };
}
