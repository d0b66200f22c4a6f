import { describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../../../bench/report/summarize.js';
import { addedLatencyMs, evaluateTargets, lateOverEarly, TARGETS, verdict, type TargetResult, type TargetScale } from '../../../../bench/report/targets.js';
import { fullRun, growth, row } from '../fixtures/measurements.js';

const FULL: TargetScale = { backendLatenciesMs: [0], viewers: 2000, manyClients: 20_000 };

function byTarget(results: readonly TargetResult[], fragment: string): TargetResult[] {
  return results.filter((r) => r.target.includes(fragment));
}

function only(results: readonly TargetResult[], fragment: string): TargetResult {
  const found = byTarget(results, fragment);
  expect(found, fragment).toHaveLength(1);
  return found[0]!;
}

describe('evaluateTargets', () => {
  it('evaluates every target on the rows of one run; one met exactly at its limit passes', () => {
    const results = evaluateTargets(fullRun(), FULL);
    expect(results.map((r) => [r.target, r.pass, r.belowScale])).toEqual([
      ['throughput ≥ 0.5× the hand-written BFF (home, Redis off, 2,000 viewers, backends 0 ms)', true, undefined],
      ['throughput ≥ 1.5× Apollo Server 5 (home, Redis off, 2,000 viewers, backends 0 ms)', true, undefined],
      ['throughput ≥ 0.5× the hand-written BFF (home, Redis on, 2,000 viewers, backends 0 ms)', false, undefined],
      ['throughput ≥ 1.5× Apollo Server 5 (home, Redis on, 2,000 viewers, backends 0 ms)', false, undefined],
      ["p99 ≤ the backends' p99 + 5 ms at 500 req/s (home, backends 0 ms)", true, undefined],
      ['RSS growth < 30 MB (20,000 new viewers once each, gateway)', true, undefined],
      ['late median ≤ 1.5× early median (20,000 new viewers once each, gateway)', true, undefined],
      ['peak RSS ≤ 200 MB under load (gateway, every scenario)', true, undefined],
      ['recommendations hung, breaker open: p95 ≤ 20 ms at 500 req/s (backends 0 ms)', true, undefined],
      ['backend calls per query independent of list sizes: home ≤ 5 (backends 0 ms)', true, undefined],
    ]);
    expect(only(results, '0.5× the hand-written BFF (home, Redis off').measured).toBe('0.50× (1500 vs 3000 req/s)');
    expect(only(results, '1.5× Apollo Server 5 (home, Redis on').measured).toBe('1.20× (1200 vs 1000 req/s)');
    expect(only(results, 'p99 ≤').measured).toBe('+5.00 ms (gateway p99 9.00 ms − backends alone p99 4.00 ms)');
    expect(only(results, 'RSS growth').measured).toBe('+29.9 MB (120 → 150 MB)');
    expect(only(results, 'late median').measured).toBe('1.50× (first 10 % p50 4.00 ms, last 10 % p50 6.00 ms)');
    expect(only(results, 'peak RSS').measured).toBe('200 MB (many-clients, backends 0 ms)');
  });

  it('misses each target just past its limit', () => {
    const rows = fullRun().map((r) => {
      if (r.scenario === 'home' && r.server === 'gateway') return { ...r, reqPerSec: 1499 };
      if (r.scenario === 'fixed-rate' && r.server === 'gateway') return { ...r, p99: 9.01 };
      if (r.scenario === 'many-clients') return { ...r, peakRssMb: 200.5, growth: growth(30, 4, 6.01) };
      if (r.scenario === 'hung-fixed-rate') return { ...r, p95: 20.01 };
      if (r.scenario === 'home' && r.server === 'apollo') return { ...r, reqPerSec: 1000 };
      return r;
    });
    const results = evaluateTargets(rows, FULL);
    expect(only(results, '0.5× the hand-written BFF (home, Redis off').pass).toBe(false);
    expect(only(results, '1.5× Apollo Server 5 (home, Redis off').pass).toBe(false);
    expect(only(results, 'p99 ≤').pass).toBe(false);
    expect(only(results, 'RSS growth').pass).toBe(false);
    expect(only(results, 'late median').pass).toBe(false);
    expect(only(results, 'peak RSS').pass).toBe(false);
    expect(only(results, 'recommendations hung').pass).toBe(false);
  });

  it('reports a target without its measurements as not measured, never as a pass', () => {
    const rows = fullRun().filter((r) => r.scenario !== 'home-redis' && r.scenario !== 'many-clients' && r.server !== 'backends-only');
    const results = evaluateTargets(rows, FULL);
    for (const fragment of ['Redis on', 'p99 ≤', 'RSS growth', 'late median']) {
      for (const result of byTarget(results, fragment)) expect(result).toMatchObject({ measured: 'not measured', pass: null });
    }
    expect(evaluateTargets([], FULL).every((r) => r.pass === null)).toBe(true);
  });

  it('evaluates the latency targets at every backend latency of the run', () => {
    const rows = [
      ...fullRun(),
      row('fixed-rate', 'gateway', { backendLatencyMs: 5, p99: 30 }),
      row('fixed-rate', 'backends-only', { backendLatencyMs: 5, p99: 12 }),
    ];
    const results = evaluateTargets(rows, { ...FULL, backendLatenciesMs: [0, 5] });
    expect(byTarget(results, 'p99 ≤').map((r) => r.pass)).toEqual([true, false]);
    expect(only(results, 'p95 ≤ 20 ms at 500 req/s (backends 5 ms)').pass).toBeNull();
  });

  it('marks targets measured with fewer viewers than they ask for as below scale, keeping the verdict', () => {
    const results = evaluateTargets(fullRun(), { backendLatenciesMs: [0], viewers: 500, manyClients: 2000 });
    const home = only(results, '0.5× the hand-written BFF (home, Redis off, 500 viewers');
    expect(home).toMatchObject({ pass: true, belowScale: true });
    expect(only(results, 'RSS growth < 30 MB (2,000 new viewers once each')).toMatchObject({ pass: true, belowScale: true });
    expect(only(results, 'peak RSS')).toMatchObject({ belowScale: true });
    // Calls per query do not depend on the number of viewers.
    expect(only(results, 'backend calls per query').belowScale).toBeUndefined();
    // 2,000 viewers but 2,000 many clients: only the many-clients targets (and the peak) are below scale.
    const partly = evaluateTargets(fullRun(), { backendLatenciesMs: [0], viewers: 2000, manyClients: 2000 });
    expect(only(partly, '0.5× the hand-written BFF (home, Redis off, 2,000 viewers').belowScale).toBeUndefined();
    expect(only(partly, 'late median').belowScale).toBe(true);
  });

  it('a run of distinct clients whose last requests all failed has no late median: a miss, shown as n/a', () => {
    const rows = fullRun().map((r) => (r.scenario === 'many-clients' ? { ...r, growth: growth(1, 4, Number.NaN) } : r));
    expect(only(evaluateTargets(rows, FULL), 'late median')).toMatchObject({
      measured: 'n/a (first 10 % p50 4.00 ms, last 10 % p50 n/a ms)',
      pass: false,
    });
  });

  it('takes the peak RSS over every gateway row, whatever the scenario', () => {
    const rows = [...fullRun(), row('home-redis', 'gateway', { peakRssMb: 240, backendLatencyMs: 5 }), row('home', 'apollo', { peakRssMb: 900 })];
    expect(only(evaluateTargets(rows, FULL), 'peak RSS')).toMatchObject({ measured: '240 MB (home-redis, backends 5 ms)', pass: false });
  });

  it('says what each throughput ratio is made of, per home variant and server', () => {
    const results = evaluateTargets(fullRun(), FULL);
    expect(byTarget(results, 'throughput').map((r) => r.measured)).toEqual([
      '0.50× (1500 vs 3000 req/s)',
      '1.50× (1500 vs 1000 req/s)',
      '0.40× (1200 vs 3000 req/s)',
      '1.20× (1200 vs 1000 req/s)',
    ]);
    // The ratio is the gateway's over the other server's, on the same scenario and backend latency only.
    const elsewhere = [...fullRun(), row('home', 'baseline', { backendLatencyMs: 5, reqPerSec: 1 }), row('small', 'apollo', { reqPerSec: 1 })];
    expect(byTarget(evaluateTargets(elsewhere, FULL), 'throughput').map((r) => r.measured)).toEqual(
      byTarget(results, 'throughput').map((r) => r.measured),
    );
  });

  it('hung recommendations: p95 at the fixed rate decides, the closed-loop row only adds context', () => {
    const results = evaluateTargets(fullRun(), FULL);
    expect(only(results, 'recommendations hung')).toMatchObject({
      measured: 'p95 20.00 ms, p99 20.00 ms; closed loop at 1000 req/s: p95 80.00 ms',
      pass: true,
    });
    const withoutClosedLoop = fullRun().filter((r) => r.scenario !== 'home-hung');
    expect(only(evaluateTargets(withoutClosedLoop, FULL), 'recommendations hung')).toMatchObject({ measured: 'p95 20.00 ms, p99 20.00 ms', pass: true });
    const withoutFixedRate = fullRun().filter((r) => r.scenario !== 'hung-fixed-rate');
    expect(only(evaluateTargets(withoutFixedRate, FULL), 'recommendations hung')).toMatchObject({ measured: 'not measured', pass: null });
  });

  it(`backend calls per query: home at most ${TARGETS.homeCallsPerQuery}, beside small's; not measured without either`, () => {
    const results = evaluateTargets(fullRun(), FULL);
    expect(only(results, 'backend calls per query')).toEqual({
      target: 'backend calls per query independent of list sizes: home ≤ 5 (backends 0 ms)',
      measured: 'home 1.00 vs small 0.00 calls/query (home lists 10 orders × 1–4 items + 5 products)',
      pass: true,
    });
    const over = fullRun().map((r) => (r.scenario === 'home' && r.server === 'gateway' ? { ...r, callsPerQuery: 5.01 } : r));
    expect(only(evaluateTargets(over, FULL), 'backend calls per query').pass).toBe(false);
    const atLimit = fullRun().map((r) => (r.scenario === 'home' && r.server === 'gateway' ? { ...r, callsPerQuery: 5 } : r));
    expect(only(evaluateTargets(atLimit, FULL), 'backend calls per query').pass).toBe(true);
    const noSmall = fullRun().filter((r) => r.scenario !== 'small');
    expect(only(evaluateTargets(noSmall, FULL), 'backend calls per query')).toMatchObject({ measured: 'not measured', pass: null });
  });

  it('a throughput ratio that cannot be computed (a server answered nothing) reads n/a and is a miss', () => {
    const idleBaseline = fullRun().map((r) => (r.scenario === 'home' && r.server === 'baseline' ? { ...r, reqPerSec: 0 } : r));
    expect(only(evaluateTargets(idleBaseline, FULL), '0.5× the hand-written BFF (home, Redis off')).toMatchObject({ measured: 'n/a (1500 vs 0 req/s)', pass: false });
    const idleBoth = fullRun().map((r) => (r.scenario === 'home' && r.server !== 'apollo' ? { ...r, reqPerSec: 0 } : r));
    expect(only(evaluateTargets(idleBoth, FULL), '0.5× the hand-written BFF (home, Redis off')).toMatchObject({ measured: 'n/a (0 vs 0 req/s)', pass: false });
  });
});

describe('verdict', () => {
  it('PASS, MISS, NOT MEASURED, and lower case below the target scale', () => {
    expect(verdict({ target: 't', measured: 'm', pass: true })).toBe('PASS');
    expect(verdict({ target: 't', measured: 'm', pass: false })).toBe('MISS');
    expect(verdict({ target: 't', measured: 'm', pass: null })).toBe('NOT MEASURED');
    expect(verdict({ target: 't', measured: 'm', pass: true, belowScale: true })).toBe('(pass: below target scale)');
    expect(verdict({ target: 't', measured: 'm', pass: false, belowScale: true })).toBe('(miss: below target scale)');
  });
});

describe('addedLatencyMs and lateOverEarly', () => {
  it("a server's p99 at the fixed rate minus the backends'; undefined without both", () => {
    expect(addedLatencyMs(fullRun(), 0, 'gateway')).toBe(5);
    expect(addedLatencyMs(fullRun(), 0, 'apollo')).toBeUndefined();
    expect(addedLatencyMs(fullRun(), 5, 'gateway')).toBeUndefined();
  });

  it('late ÷ early median of a run of distinct clients; NaN for any other row', () => {
    expect(lateOverEarly(row('many-clients', 'gateway', { growth: growth(0, 4, 10) }))).toBe(2.5);
    expect(lateOverEarly(row('home', 'gateway'))).toBeNaN();
    // Read back from the results JSON, a NaN median is null.
    const fromJson = JSON.parse(JSON.stringify(row('many-clients', 'gateway', { growth: growth(0, 4, Number.NaN) }))) as SummaryRow;
    expect(lateOverEarly(fromJson)).toBeNaN();
    expect(lateOverEarly(undefined)).toBeNaN();
  });
});
