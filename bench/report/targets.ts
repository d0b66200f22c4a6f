/**
 * The performance targets, evaluated on the summarised rows. A target
 * whose inputs were not measured is reported as such, never as a pass; one measured
 * at a smaller scale than it asks for (a quick run's viewers) says so.
 */
import { findRow, type SummaryRow } from './summarize.js';

export interface TargetResult {
  target: string;
  measured: string;
  /** null: could not be evaluated (a measurement is missing). */
  pass: boolean | null;
  /** Measured with fewer viewers than the target asks for: the verdict is indicative only. */
  belowScale?: true;
}

/** What the run measured with: the scale of the targets' conditions. */
export interface TargetScale {
  backendLatenciesMs: readonly number[];
  /** Distinct viewers the home scenarios rotate over. */
  viewers: number;
  /** Distinct viewers of the many-clients scenario. */
  manyClients: number;
}

/** The scale the targets are stated at. */
export const TARGET_VIEWERS = 2_000;
export const TARGET_MANY_CLIENTS = 20_000;

/** Budgets of the targets. */
export const TARGETS = {
  vsBaseline: 0.5,
  vsApollo: 1.5,
  addedP99Ms: 5,
  clientsRssGrowthMb: 30,
  clientsLateOverEarly: 1.5,
  peakRssMb: 200,
  hungP95Ms: 20,
  homeCallsPerQuery: 5,
} as const;

/** The two home scenarios the throughput targets are evaluated on. */
const HOME_VARIANTS = [
  { scenario: 'home', label: 'Redis off' },
  { scenario: 'home-redis', label: 'Redis on' },
] as const;

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const times = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a');
const count = (value: number): string => value.toLocaleString('en-US');

/** PASS, MISS, NOT MEASURED; lower case in parentheses below the target's scale. */
export function verdict(result: TargetResult): string {
  if (result.pass === null) return 'NOT MEASURED';
  if (result.belowScale === true) return `(${result.pass ? 'pass' : 'miss'}: below target scale)`;
  return result.pass ? 'PASS' : 'MISS';
}

/** A server's p99 at the fixed rate minus the backends' own p99 at the same rate. */
export function addedLatencyMs(rows: readonly SummaryRow[], backendLatencyMs: number, server: string): number | undefined {
  const measured = findRow(rows, backendLatencyMs, 'fixed-rate', server);
  const backends = findRow(rows, backendLatencyMs, 'fixed-rate', 'backends-only');
  return measured === undefined || backends === undefined ? undefined : measured.p99 - backends.p99;
}

/**
 * Late median ÷ early median of a run of distinct clients; NaN without one or without
 * either median (also when read back from JSON, where NaN became null).
 */
export function lateOverEarly(row: SummaryRow | undefined): number {
  const growth = row?.growth;
  if (growth === undefined || !Number.isFinite(growth.lateP50) || !Number.isFinite(growth.earlyP50)) return Number.NaN;
  return growth.lateP50 / growth.earlyP50;
}

export function evaluateTargets(rows: readonly SummaryRow[], scale: TargetScale): TargetResult[] {
  const results: TargetResult[] = [];
  const missing = (target: string): TargetResult => ({ target, measured: 'not measured', pass: null });
  const result = (target: string, measured: string, pass: boolean, atScale: boolean): TargetResult =>
    atScale ? { target, measured, pass } : { target, measured, pass, belowScale: true };
  const viewersAtScale = scale.viewers >= TARGET_VIEWERS;

  for (const { scenario, label } of HOME_VARIANTS) {
    const where = `home, ${label}, ${count(scale.viewers)} viewers, backends 0 ms`;
    const gateway = findRow(rows, 0, scenario, 'gateway');
    for (const [server, name, budget] of [
      ['baseline', 'the hand-written BFF', TARGETS.vsBaseline],
      ['apollo', 'Apollo Server 5', TARGETS.vsApollo],
    ] as const) {
      const target = `throughput ≥ ${budget}× ${name} (${where})`;
      const other = findRow(rows, 0, scenario, server);
      if (gateway === undefined || other === undefined) {
        results.push(missing(target));
        continue;
      }
      const ratio = gateway.reqPerSec / other.reqPerSec;
      // A ratio shown as n/a is no pass: the gateway against a server that answered nothing is Infinity.
      const pass = Number.isFinite(ratio) && ratio >= budget;
      results.push(result(target, `${times(ratio)} (${fmt(gateway.reqPerSec, 0)} vs ${fmt(other.reqPerSec, 0)} req/s)`, pass, viewersAtScale));
    }
  }

  for (const latency of scale.backendLatenciesMs) {
    const target = `p99 ≤ the backends' p99 + ${TARGETS.addedP99Ms} ms at 500 req/s (home, backends ${latency} ms)`;
    const added = addedLatencyMs(rows, latency, 'gateway');
    const gateway = findRow(rows, latency, 'fixed-rate', 'gateway');
    const backends = findRow(rows, latency, 'fixed-rate', 'backends-only');
    if (added === undefined || gateway === undefined || backends === undefined) results.push(missing(target));
    else {
      const measured = `${added >= 0 ? '+' : ''}${fmt(added)} ms (gateway p99 ${fmt(gateway.p99)} ms − backends alone p99 ${fmt(backends.p99)} ms)`;
      results.push(result(target, measured, added <= TARGETS.addedP99Ms, viewersAtScale));
    }
  }

  const clients = rows.find((r) => r.scenario === 'many-clients' && r.server === 'gateway');
  const clientsAtScale = scale.manyClients >= TARGET_MANY_CLIENTS;
  const clientsWhere = `${count(scale.manyClients)} new viewers once each, gateway`;
  const growthTarget = `RSS growth < ${TARGETS.clientsRssGrowthMb} MB (${clientsWhere})`;
  const slowdownTarget = `late median ≤ ${TARGETS.clientsLateOverEarly}× early median (${clientsWhere})`;
  if (clients?.growth === undefined) results.push(missing(growthTarget), missing(slowdownTarget));
  else {
    const g = clients.growth;
    results.push(
      result(
        growthTarget,
        `${g.rssGrowthMb >= 0 ? '+' : ''}${fmt(g.rssGrowthMb, 1)} MB (${fmt(g.rssStartMb, 0)} → ${fmt(g.rssEndMb, 0)} MB)`,
        g.rssGrowthMb < TARGETS.clientsRssGrowthMb,
        clientsAtScale,
      ),
    );
    const ratio = lateOverEarly(clients);
    results.push(
      result(
        slowdownTarget,
        `${times(ratio)} (first 10 % p50 ${fmt(g.earlyP50)} ms, last 10 % p50 ${fmt(g.lateP50)} ms)`,
        ratio <= TARGETS.clientsLateOverEarly,
        clientsAtScale,
      ),
    );
  }

  const gatewayRows = rows.filter((r) => r.server === 'gateway');
  const rssTarget = `peak RSS ≤ ${TARGETS.peakRssMb} MB under load (gateway, every scenario)`;
  if (gatewayRows.length === 0) results.push(missing(rssTarget));
  else {
    const peak = gatewayRows.reduce((best, r) => (r.peakRssMb > best.peakRssMb ? r : best));
    // Fewer viewers hold less state: a small run's peak says little about a full one's.
    results.push(
      result(
        rssTarget,
        `${fmt(peak.peakRssMb, 0)} MB (${peak.scenario}, backends ${peak.backendLatencyMs} ms)`,
        peak.peakRssMb <= TARGETS.peakRssMb,
        viewersAtScale && clientsAtScale,
      ),
    );
  }

  for (const latency of scale.backendLatenciesMs) {
    const target = `recommendations hung, breaker open: p95 ≤ ${TARGETS.hungP95Ms} ms at 500 req/s (backends ${latency} ms)`;
    const paced = findRow(rows, latency, 'hung-fixed-rate', 'gateway');
    const closed = findRow(rows, latency, 'home-hung', 'gateway');
    if (paced === undefined) results.push(missing(target));
    else {
      const saturated = closed === undefined ? '' : `; closed loop at ${fmt(closed.reqPerSec, 0)} req/s: p95 ${fmt(closed.p95)} ms`;
      results.push(result(target, `p95 ${fmt(paced.p95)} ms, p99 ${fmt(paced.p99)} ms${saturated}`, paced.p95 <= TARGETS.hungP95Ms, viewersAtScale));
    }
  }

  for (const latency of scale.backendLatenciesMs) {
    const target = `backend calls per query independent of list sizes: home ≤ ${TARGETS.homeCallsPerQuery} (backends ${latency} ms)`;
    const home = findRow(rows, latency, 'home', 'gateway');
    const small = findRow(rows, latency, 'small', 'gateway');
    if (home === undefined || small === undefined) results.push(missing(target));
    else {
      results.push({
        target,
        measured: `home ${fmt(home.callsPerQuery)} vs small ${fmt(small.callsPerQuery)} calls/query (home lists 10 orders × 1–4 items + 5 products)`,
        pass: home.callsPerQuery <= TARGETS.homeCallsPerQuery,
      });
    }
  }
  return results;
}
