/**
 * One measurement: backend counters reset, load applied for the measured
 * duration while the server's RSS is sampled every 250 ms and its CPU time is
 * read before and after, backend counters read back.
 */
import type { BackendCalls, BackendControl } from '../servers/backend-control.js';
import type { HeapAfterGc } from '../servers/child-protocol.js';
import { earlyLateMedians } from '../report/stats.js';
import { runLoad, startLoad, type LoadOptions, type LoadResult } from './generator.js';
import type { LatencySummary } from './latency-recorder.js';
import { readRssMb, startProcessSampler, type ProcessUsage } from './process-sampler.js';

/**
 * The load of a scenario on one server (generator.ts): the requests, the connections, and
 * a fixed `rate` (req/s, open loop) or none (closed loop, as fast as the server answers).
 */
export type LoadPlan = Omit<LoadOptions, 'durationSec' | 'timeoutSec'>;

/** What a run of distinct clients (each request once) shows besides the usual figures. */
export interface ClientGrowth {
  /** Requests sent = distinct viewers. */
  clients: number;
  /** Server RSS after a full GC just before the first request and just after the last answer. */
  rssStartMb: number;
  rssEndMb: number;
  rssGrowthMb: number;
  /** V8 heap in use after the same collections: retained state, without the pages V8 keeps. */
  heapStartMb: number;
  heapEndMb: number;
  /** Median latency of the first and the last 10 % of the requests, in send order. */
  earlyP50: number;
  lateP50: number;
}

/** Share of the requests whose median is "early" and "late". */
export const EARLY_LATE_SHARE = 0.1;

export interface Measurement {
  server: string;
  scenario: string;
  backendLatencyMs: number;
  round: number;
  connections: number;
  /** Fixed rate (req/s), or undefined for closed loop. */
  rate?: number;
  durationSec: number;
  reqPerSec: number;
  latencyMs: LatencySummary;
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers with GraphQL errors (expected only where a backend is hung on purpose). */
  errorAnswers: number;
  firstErrorAnswer: string | null;
  peakRssMb: number;
  cpuPercent: number;
  cpuSeconds: number;
  backendCalls: BackendCalls;
  /** Backend requests per completed GraphQL request. */
  callsPerQuery: number;
  /** Hung-backend scenario: how long the warm-up load took to open the server's breaker. */
  breakerOpenAfterMs?: number;
  /** A run of distinct clients (`once`): growth with the number of clients met. */
  growth?: ClientGrowth;
}

/** Applies the plan's load for `durationSec` (a `once` plan: until every request was sent once and answered). */
export function applyLoad(plan: LoadPlan, durationSec: number): Promise<LoadResult> {
  return runLoad({ ...plan, durationSec });
}

/**
 * Closed-loop load until `condition()` holds (polled every 200 ms), e.g. until a
 * breaker is open. Returns the milliseconds it took; throws after `timeoutMs`.
 */
export async function loadUntil(plan: LoadPlan, condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const load = startLoad({ origin: plan.origin, requests: plan.requests, connections: plan.connections, durationSec: Math.ceil(timeoutMs / 1000) + 1 });
  try {
    while (performance.now() - started < timeoutMs) {
      if (await condition()) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`condition not reached within ${timeoutMs} ms of load`);
  } finally {
    load.stop();
    await load.done;
  }
}

export interface MeasureOptions {
  server: string;
  scenario: string;
  /** The process whose CPU and RSS are reported. */
  pid: number;
  plan: LoadPlan;
  durationSec: number;
  backends: BackendControl;
  backendLatencyMs: number;
  round: number;
  /**
   * A `once` plan: a full GC in the server before the first request and after the last
   * answer, each followed by an RSS reading (the growth figures). Required for such a plan.
   */
  collectGarbage?: () => Promise<HeapAfterGc>;
}

export async function measure(options: MeasureOptions): Promise<Measurement> {
  await options.backends.resetStats();
  const once = options.plan.once === true;
  if (once && options.collectGarbage === undefined) throw new Error('a plan that sends every request once needs collectGarbage');
  const settled = async (): Promise<MemoryAfterGc> => {
    const { heapUsedMb } = await options.collectGarbage!();
    return { heapMb: heapUsedMb, rssMb: readRssMb(options.pid) };
  };
  const before = once ? await settled() : undefined;
  const sampler = startProcessSampler(options.pid);
  let load: LoadResult;
  let usage: ProcessUsage;
  try {
    load = await applyLoad(options.plan, options.durationSec);
  } finally {
    usage = sampler.stop();
  }
  const after = once ? await settled() : undefined;
  const backendCalls = await options.backends.readStats();
  return {
    server: options.server,
    scenario: options.scenario,
    backendLatencyMs: options.backendLatencyMs,
    round: options.round,
    connections: options.plan.connections,
    ...(options.plan.rate === undefined ? {} : { rate: options.plan.rate }),
    durationSec: load.durationSec,
    reqPerSec: load.reqPerSec,
    latencyMs: load.latencyMs,
    responses: load.responses,
    non2xx: load.non2xx,
    errors: load.errors,
    timeouts: load.timeouts,
    errorAnswers: load.errorAnswers,
    firstErrorAnswer: load.firstErrorAnswer,
    peakRssMb: usage.peakRssMb,
    cpuPercent: usage.cpuPercent,
    cpuSeconds: usage.cpuSeconds,
    backendCalls,
    callsPerQuery: load.responses === 0 ? Number.NaN : backendCalls.total / load.responses,
    ...(load.bySend === undefined || before === undefined || after === undefined ? {} : { growth: clientGrowth(load.bySend, before, after) }),
  };
}

/** A server's memory after a full GC. */
export interface MemoryAfterGc {
  rssMb: number;
  heapMb: number;
}

/** The growth figures of a `once` run from its latencies in send order and the server's memory before and after it. */
export function clientGrowth(bySend: ArrayLike<number>, before: MemoryAfterGc, after: MemoryAfterGc): ClientGrowth {
  const { early, late } = earlyLateMedians(bySend, EARLY_LATE_SHARE);
  return {
    clients: bySend.length,
    rssStartMb: before.rssMb,
    rssEndMb: after.rssMb,
    rssGrowthMb: after.rssMb - before.rssMb,
    heapStartMb: before.heapMb,
    heapEndMb: after.heapMb,
    earlyP50: early,
    lateP50: late,
  };
}
