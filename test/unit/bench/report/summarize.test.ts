import { describe, expect, it } from 'vitest';
import { clientGrowth, type ClientGrowth, type Measurement } from '../../../../bench/load/measure.js';
import { findRow, summarize } from '../../../../bench/report/summarize.js';

const noCalls = { users: { requests: 0, byRoute: {} }, catalog: { requests: 0, byRoute: {} }, orders: { requests: 0, byRoute: {} }, recommendations: { requests: 0, byRoute: {} } };

function measurement(overrides: Partial<Measurement> & Pick<Measurement, 'server' | 'scenario'>): Measurement {
  return {
    backendLatencyMs: 0,
    round: 1,
    connections: 10,
    durationSec: 10,
    reqPerSec: 100,
    latencyMs: { count: 1000, mean: 10, p50: 10, p95: 20, p99: 30, max: 40 },
    responses: 1000,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    errorAnswers: 0,
    firstErrorAnswer: null,
    peakRssMb: 100,
    cpuPercent: 90,
    cpuSeconds: 9,
    backendCalls: { total: 1000, byService: noCalls },
    callsPerQuery: 1,
    ...overrides,
  };
}

const growth = (rssGrowthMb: number, earlyP50: number, lateP50: number): ClientGrowth => ({
  clients: 20_000,
  rssStartMb: 100,
  rssEndMb: 100 + rssGrowthMb,
  rssGrowthMb,
  heapStartMb: 40,
  heapEndMb: 45,
  earlyP50,
  lateP50,
});

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

  it('a round without latencies (NaN) does not drag the median', () => {
    const rows = summarize([
      measurement({ server: 'gateway', scenario: 'home', latencyMs: { count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN } }),
      measurement({ server: 'gateway', scenario: 'home', round: 2 }),
    ]);
    expect(rows[0]!.p99).toBe(30);
  });

  it('carries the growth figures of runs of distinct clients, as medians; none for other rows', () => {
    const rows = summarize([
      measurement({ server: 'gateway', scenario: 'many-clients', growth: growth(10, 2, 3) }),
      measurement({ server: 'gateway', scenario: 'many-clients', round: 2, growth: growth(30, 4, 9) }),
      measurement({ server: 'gateway', scenario: 'home' }),
    ]);
    expect(findRow(rows, 0, 'many-clients', 'gateway')!.growth).toEqual({
      clients: 20_000,
      rssStartMb: 100,
      rssEndMb: 120,
      rssGrowthMb: 20,
      heapStartMb: 40,
      heapEndMb: 45,
      earlyP50: 3,
      lateP50: 6,
    });
    expect(findRow(rows, 0, 'home', 'gateway')!.growth).toBeUndefined();
  });
});

describe('clientGrowth', () => {
  it('RSS and heap before and after, and the early and late medians in send order', () => {
    const bySend = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(clientGrowth(bySend, { rssMb: 120, heapMb: 50 }, { rssMb: 112, heapMb: 58 })).toEqual({
      clients: 20,
      rssStartMb: 120,
      rssEndMb: 112,
      rssGrowthMb: -8,
      heapStartMb: 50,
      heapEndMb: 58,
      earlyP50: 1.5,
      lateP50: 19.5,
    });
  });
});
