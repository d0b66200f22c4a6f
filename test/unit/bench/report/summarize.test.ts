import { describe, expect, it } from 'vitest';
import { findRow, summarize } from '../../../../bench/report/summarize.js';
import { growth, measurement } from '../fixtures/measurements.js';

const NO_LATENCY = { count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };

describe('summarize', () => {
  it('one row per backend latency × scenario × server: the median of the rounds, failures summed', () => {
    const rows = summarize([
      measurement({ server: 'gateway', scenario: 'home', round: 1, reqPerSec: 100, peakRssMb: 150, non2xx: 1 }),
      measurement({ server: 'gateway', scenario: 'home', round: 2, reqPerSec: 300, peakRssMb: 170, non2xx: 2, firstErrorAnswer: 'boom' }),
      measurement({ server: 'gateway', scenario: 'home', backendLatencyMs: 5, reqPerSec: 50 }),
      measurement({ server: 'baseline', scenario: 'home', reqPerSec: 400 }),
    ]);
    expect(rows).toHaveLength(3);
    const home = findRow(rows, 0, 'home', 'gateway')!;
    expect(home).toMatchObject({ rounds: 2, reqPerSec: 200, peakRssMb: 160, non2xx: 3, firstErrorAnswer: 'boom', p99: 30 });
    expect(findRow(rows, 5, 'home', 'gateway')!.reqPerSec).toBe(50);
    expect(findRow(rows, 0, 'home', 'baseline')!.reqPerSec).toBe(400);
    expect(findRow(rows, 0, 'small', 'gateway')).toBeUndefined();
  });

  it('takes every rate, latency and resource figure as the median of the rounds, and sums every failure counter', () => {
    const rows = summarize([
      measurement({
        round: 1,
        latencyMs: { count: 10, mean: 1, p50: 1, p95: 5, p99: 9, max: 10 },
        cpuPercent: 60,
        callsPerQuery: 1,
        errors: 1,
        errorAnswers: 4,
      }),
      measurement({
        round: 2,
        latencyMs: { count: 10, mean: 2, p50: 2, p95: 7, p99: 20, max: 30 },
        cpuPercent: 80,
        callsPerQuery: 3,
        errors: 2,
        errorAnswers: 0,
      }),
      measurement({
        round: 3,
        latencyMs: { count: 10, mean: 4, p50: 4, p95: 6, p99: 10, max: 12 },
        cpuPercent: 95,
        callsPerQuery: 2,
        errors: 0,
        errorAnswers: 1,
      }),
    ]);
    expect(rows).toEqual([
      {
        backendLatencyMs: 0,
        scenario: 'home',
        server: 'gateway',
        rounds: 3,
        reqPerSec: 100,
        p50: 2,
        p95: 6,
        p99: 10,
        peakRssMb: 100,
        cpuPercent: 80,
        callsPerQuery: 2,
        non2xx: 0,
        errors: 3,
        errorAnswers: 5,
        firstErrorAnswer: null,
      },
    ]);
  });

  it('keeps the rows in the order their first round was measured', () => {
    const rows = summarize([
      measurement({ server: 'gateway', scenario: 'small' }),
      measurement({ server: 'apollo', scenario: 'home' }),
      measurement({ server: 'gateway', scenario: 'small', round: 2 }),
      measurement({ server: 'gateway', scenario: 'home' }),
    ]);
    expect(rows.map((r) => `${r.scenario}/${r.server}`)).toEqual(['small/gateway', 'home/apollo', 'home/gateway']);
  });

  it('a round without latencies (NaN) does not drag the median', () => {
    const rows = summarize([measurement({ latencyMs: NO_LATENCY }), measurement({ round: 2 })]);
    expect(rows[0]!.p99).toBe(30);
    expect(summarize([measurement({ latencyMs: NO_LATENCY })])[0]!.p99).toBeNaN();
  });

  it('carries the growth figures of runs of distinct clients, as medians; none for other rows', () => {
    const rows = summarize([
      measurement({ scenario: 'many-clients', growth: growth(10, 2, 3) }),
      measurement({ scenario: 'many-clients', round: 2, growth: growth(30, 4, 9) }),
      // A round that measured no growth does not count towards its medians.
      measurement({ scenario: 'many-clients', round: 3 }),
      measurement({ scenario: 'home' }),
    ]);
    expect(findRow(rows, 0, 'many-clients', 'gateway')!.growth).toEqual({
      clients: 20_000,
      rssStartMb: 120,
      rssEndMb: 140,
      rssGrowthMb: 20,
      heapStartMb: 40,
      heapEndMb: 45,
      earlyP50: 3,
      lateP50: 6,
    });
    expect(findRow(rows, 0, 'many-clients', 'gateway')!.rounds).toBe(3);
    expect(findRow(rows, 0, 'home', 'gateway')).not.toHaveProperty('growth');
  });
});
