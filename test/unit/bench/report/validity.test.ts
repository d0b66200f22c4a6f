import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../../../bench/load/measure.js';
import { checkValidity, RATE_LIMITED_HINT } from '../../../../bench/report/validity.js';

const noCalls = { users: { requests: 0, byRoute: {} }, catalog: { requests: 0, byRoute: {} }, orders: { requests: 0, byRoute: {} }, recommendations: { requests: 0, byRoute: {} } };

function measurement(overrides: Partial<Measurement>): Measurement {
  return {
    server: 'gateway',
    scenario: 'home',
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

describe('checkValidity', () => {
  it('a rate-limited answer while every backend is healthy makes the run invalid, saying the viewers are too few', () => {
    const limited = '{"data":{"viewer":{},"recommendations":null},"errors":[{"extensions":{"code":"RATE_LIMITED"}}]}';
    const { problems } = checkValidity([measurement({ scenario: 'home-redis', errorAnswers: 3, firstErrorAnswer: limited })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(RATE_LIMITED_HINT);
    expect(problems[0]).toContain('gateway / home-redis');
  });

  it('other error answers are problems without the hint; in the hung scenarios they are expected', () => {
    const other = checkValidity([measurement({ scenario: 'many-clients', errorAnswers: 1, firstErrorAnswer: '{"errors":[{"extensions":{"code":"UPSTREAM_ERROR"}}]}' })]);
    expect(other.problems).toHaveLength(1);
    expect(other.problems[0]).not.toContain('RATE_LIMITED');
    expect(checkValidity([measurement({ scenario: 'home-hung', errorAnswers: 500, firstErrorAnswer: 'x' })]).problems).toEqual([]);
  });

  it('notes a fixed rate that was not held', () => {
    const { problems, notes } = checkValidity([measurement({ scenario: 'many-clients', rate: 400, durationSec: 50, responses: 18_000 })]);
    expect(problems).toEqual([]);
    expect(notes[0]).toMatch(/400 req\/s not held/);
    expect(checkValidity([measurement({ rate: 400, durationSec: 50, responses: 20_000 })]).notes).toEqual([]);
  });
});
