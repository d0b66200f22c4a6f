import { describe, expect, it } from 'vitest';
import { checkValidity, RATE_LIMITED_HINT } from '../../../../bench/report/validity.js';
import { measurement } from '../fixtures/measurements.js';

describe('checkValidity', () => {
  it('a healthy run has no problem and no note', () => {
    expect(checkValidity([measurement(), measurement({ scenario: 'fixed-rate', rate: 100, durationSec: 10, responses: 1000 })])).toEqual({ problems: [], notes: [] });
  });

  it('non-2xx answers or socket errors while every backend is healthy make the run invalid, saying where', () => {
    const { problems } = checkValidity([
      measurement({ server: 'apollo', scenario: 'small', backendLatencyMs: 5, round: 2, non2xx: 3 }),
      measurement({ scenario: 'fixed-rate', errors: 2, timeouts: 2 }),
    ]);
    expect(problems).toEqual([
      'apollo / small (backends 5 ms, round 2): 3 non-2xx answers and 0 socket errors/timeouts',
      'gateway / fixed-rate (backends 0 ms, round 1): 0 non-2xx answers and 2 socket errors/timeouts',
    ]);
  });

  it('a rate-limited answer while every backend is healthy makes the run invalid, saying the viewers are too few', () => {
    const limited = '{"data":{"viewer":{},"recommendations":null},"errors":[{"extensions":{"code":"RATE_LIMITED"}}]}';
    const { problems } = checkValidity([measurement({ scenario: 'home-redis', errorAnswers: 3, firstErrorAnswer: limited })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(RATE_LIMITED_HINT);
    expect(problems[0]).toContain('gateway / home-redis');
    expect(problems[0]).toContain(`3 answers carried GraphQL errors${RATE_LIMITED_HINT}, e.g. ${limited}`);
  });

  it('other error answers are problems without the hint; in the hung scenarios they are expected', () => {
    const other = checkValidity([measurement({ scenario: 'many-clients', errorAnswers: 1, firstErrorAnswer: '{"errors":[{"extensions":{"code":"UPSTREAM_ERROR"}}]}' })]);
    expect(other.problems).toHaveLength(1);
    expect(other.problems[0]).not.toContain('RATE_LIMITED');
    expect(checkValidity([measurement({ scenario: 'home-hung', errorAnswers: 500, firstErrorAnswer: 'x' })]).problems).toEqual([]);
  });

  it('in the hung scenarios non-2xx answers are expected too, but socket errors are not', () => {
    expect(checkValidity([measurement({ scenario: 'hung-fixed-rate', non2xx: 40 })]).problems).toEqual([]);
    expect(checkValidity([measurement({ scenario: 'home-hung', server: 'baseline', errors: 7 })]).problems).toEqual([
      'baseline / home-hung (backends 0 ms, round 1): 7 socket errors/timeouts',
    ]);
  });

  it('notes a fixed rate that was not held (under 95 % of the requests it asks for), without invalidating the run', () => {
    const { problems, notes } = checkValidity([measurement({ scenario: 'many-clients', rate: 400, durationSec: 50, responses: 18_000 })]);
    expect(problems).toEqual([]);
    expect(notes).toEqual([
      'gateway / many-clients (backends 0 ms, round 1): 400 req/s not held with 10 connections (360 req/s); its latencies include the wait for a free connection',
    ]);
    // 95 % of 400 req/s × 50 s is held; closed-loop runs have no rate to hold.
    expect(checkValidity([measurement({ rate: 400, durationSec: 50, responses: 19_000 })]).notes).toEqual([]);
    expect(checkValidity([measurement({ rate: 400, durationSec: 50, responses: 18_999 })]).notes).toHaveLength(1);
    expect(checkValidity([measurement({ durationSec: 50, responses: 1 })]).notes).toEqual([]);
  });

  it('notes a closed-loop server below 80 % of its core (the generator was the limit), outside the hung scenarios', () => {
    const { problems, notes } = checkValidity([measurement({ server: 'baseline', cpuPercent: 59, reqPerSec: 2676 })]);
    expect(problems).toEqual([]);
    expect(notes).toEqual([
      'baseline / home (backends 0 ms, round 1): 2676 req/s at 59 % of its core in a closed loop: the load generator, not the server, set that throughput (ratios against it favour the other servers)',
    ]);
    // Saturated; or at a fixed rate (meant to be below saturation); or waiting on a hung backend.
    expect(checkValidity([measurement({ cpuPercent: 80 })]).notes).toEqual([]);
    expect(checkValidity([measurement({ scenario: 'fixed-rate', rate: 100, durationSec: 10, responses: 1000, cpuPercent: 40 })]).notes).toEqual([]);
    expect(checkValidity([measurement({ scenario: 'home-hung', server: 'baseline', cpuPercent: 1 })]).notes).toEqual([]);
  });
});
