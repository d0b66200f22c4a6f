/**
 * The performance targets, evaluated on the summarised rows. A target
 * whose inputs were not measured is reported as such, never as a pass.
 */
import { findRow, type SummaryRow } from './summarize.js';

export interface TargetResult {
  target: string;
  measured: string;
  /** null: could not be evaluated (a measurement is missing). */
  pass: boolean | null;
}

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The gateway's p99 at the fixed rate minus the backends' own p99 at the same rate. */
export function addedLatencyMs(rows: readonly SummaryRow[], backendLatencyMs: number, server: string): number | undefined {
  const measured = findRow(rows, backendLatencyMs, 'fixed-rate', server);
  const backends = findRow(rows, backendLatencyMs, 'fixed-rate', 'backends-only');
  return measured === undefined || backends === undefined ? undefined : measured.p99 - backends.p99;
}

export function evaluateTargets(rows: readonly SummaryRow[], backendLatenciesMs: readonly number[]): TargetResult[] {
  const results: TargetResult[] = [];
  const missing = (target: string): TargetResult => ({ target, measured: 'not measured', pass: null });

  const gatewayHome = findRow(rows, 0, 'home', 'gateway');
  const baselineHome = findRow(rows, 0, 'home', 'baseline');
  const apolloHome = findRow(rows, 0, 'home', 'apollo');
  const vsBaseline = 'throughput ≥ 0.5× the hand-written BFF (home, backends 0 ms)';
  if (gatewayHome === undefined || baselineHome === undefined) results.push(missing(vsBaseline));
  else {
    const ratio = gatewayHome.reqPerSec / baselineHome.reqPerSec;
    results.push({
      target: vsBaseline,
      measured: `${fmt(ratio)}× (${fmt(gatewayHome.reqPerSec, 0)} vs ${fmt(baselineHome.reqPerSec, 0)} req/s)`,
      pass: ratio >= 0.5,
    });
  }
  const vsApollo = 'throughput ≥ 1.5× Apollo Server 5 (home, backends 0 ms)';
  if (gatewayHome === undefined || apolloHome === undefined) results.push(missing(vsApollo));
  else {
    const ratio = gatewayHome.reqPerSec / apolloHome.reqPerSec;
    results.push({
      target: vsApollo,
      measured: `${fmt(ratio)}× (${fmt(gatewayHome.reqPerSec, 0)} vs ${fmt(apolloHome.reqPerSec, 0)} req/s)`,
      pass: ratio >= 1.5,
    });
  }

  for (const latency of backendLatenciesMs) {
    const target = `p99 added latency ≤ 2 ms at 500 req/s (home, backends ${latency} ms)`;
    const added = addedLatencyMs(rows, latency, 'gateway');
    const gateway = findRow(rows, latency, 'fixed-rate', 'gateway');
    const backends = findRow(rows, latency, 'fixed-rate', 'backends-only');
    if (added === undefined || gateway === undefined || backends === undefined) results.push(missing(target));
    else {
      results.push({
        target,
        measured: `+${fmt(added)} ms (gateway p99 ${fmt(gateway.p99)} ms − backends alone p99 ${fmt(backends.p99)} ms)`,
        pass: added <= 2,
      });
    }
  }

  for (const latency of backendLatenciesMs) {
    const target = `recommendations hung, breaker open: p95 ≤ 20 ms at 500 req/s (backends ${latency} ms)`;
    const paced = findRow(rows, latency, 'hung-fixed-rate', 'gateway');
    const closed = findRow(rows, latency, 'home-hung', 'gateway');
    if (paced === undefined) results.push(missing(target));
    else {
      const saturated = closed === undefined ? '' : `; closed loop at ${fmt(closed.reqPerSec, 0)} req/s: p95 ${fmt(closed.p95)} ms`;
      results.push({ target, measured: `p95 ${fmt(paced.p95)} ms, p99 ${fmt(paced.p99)} ms${saturated}`, pass: paced.p95 <= 20 });
    }
  }

  const gatewayRows = rows.filter((r) => r.server === 'gateway');
  const rssTarget = 'RSS ≤ 200 MB under load (gateway, peak over every scenario)';
  if (gatewayRows.length === 0) results.push(missing(rssTarget));
  else {
    const peak = gatewayRows.reduce((best, r) => (r.peakRssMb > best.peakRssMb ? r : best));
    results.push({
      target: rssTarget,
      measured: `${fmt(peak.peakRssMb, 0)} MB (${peak.scenario}, backends ${peak.backendLatencyMs} ms)`,
      pass: peak.peakRssMb <= 200,
    });
  }

  for (const latency of backendLatenciesMs) {
    const target = `backend calls per query independent of list sizes: home ≤ 5 (backends ${latency} ms)`;
    const home = findRow(rows, latency, 'home', 'gateway');
    const small = findRow(rows, latency, 'small', 'gateway');
    if (home === undefined || small === undefined) results.push(missing(target));
    else {
      results.push({
        target,
        measured: `home ${fmt(home.callsPerQuery)} vs small ${fmt(small.callsPerQuery)} calls/query (home lists 10 orders × 1–4 items + 5 products)`,
        pass: home.callsPerQuery <= 5,
      });
    }
  }
  return results;
}
