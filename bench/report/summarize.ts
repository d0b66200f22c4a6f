/**
 * From raw measurements (one per round) to one row per backend latency ×
 * scenario × server: the median of the rounds for every rate, latency and
 * resource figure, the sum for the failure counters.
 */
import type { ClientGrowth, Measurement } from '../load/measure.js';
import { median } from './stats.js';

export interface SummaryRow {
  backendLatencyMs: number;
  scenario: string;
  server: string;
  rounds: number;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  peakRssMb: number;
  cpuPercent: number;
  callsPerQuery: number;
  non2xx: number;
  errors: number;
  errorAnswers: number;
  firstErrorAnswer: string | null;
  /** Runs of distinct clients: the median of each growth figure over the rounds that have them. */
  growth?: ClientGrowth;
}

export function summarize(measurements: readonly Measurement[]): SummaryRow[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.backendLatencyMs}|${m.scenario}|${m.server}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [m]);
    else group.push(m);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const med = (pick: (m: Measurement) => number) => median(group.map(pick));
    const sum = (pick: (m: Measurement) => number) => group.reduce((total, m) => total + pick(m), 0);
    return {
      backendLatencyMs: first.backendLatencyMs,
      scenario: first.scenario,
      server: first.server,
      rounds: group.length,
      reqPerSec: med((m) => m.reqPerSec),
      p50: med((m) => m.latencyMs.p50),
      p95: med((m) => m.latencyMs.p95),
      p99: med((m) => m.latencyMs.p99),
      peakRssMb: med((m) => m.peakRssMb),
      cpuPercent: med((m) => m.cpuPercent),
      callsPerQuery: med((m) => m.callsPerQuery),
      non2xx: sum((m) => m.non2xx),
      errors: sum((m) => m.errors),
      errorAnswers: sum((m) => m.errorAnswers),
      firstErrorAnswer: group.find((m) => m.firstErrorAnswer !== null)?.firstErrorAnswer ?? null,
      ...growthOf(group),
    };
  });
}

function growthOf(group: readonly Measurement[]): { growth?: ClientGrowth } {
  const runs = group.flatMap((m) => (m.growth === undefined ? [] : [m.growth]));
  if (runs.length === 0) return {};
  // Every growth figure is a number: each one becomes its median over the runs.
  const growth = { ...runs[0]! };
  for (const figure of Object.keys(growth) as (keyof ClientGrowth)[]) growth[figure] = median(runs.map((run) => run[figure]));
  return { growth };
}

export function findRow(rows: readonly SummaryRow[], backendLatencyMs: number, scenario: string, server: string): SummaryRow | undefined {
  return rows.find((r) => r.backendLatencyMs === backendLatencyMs && r.scenario === scenario && r.server === server);
}
