/**
 * One run of the load generator (autocannon, in this process) against one URL.
 * Closed loop (`connections` requests in flight, as fast as the server answers)
 * unless `rate` is set.
 */
import autocannon from 'autocannon';
import { ErrorAnswerCounter } from './error-answers.js';
import { LatencyRecorder, type LatencySummary } from './latency-recorder.js';
import type { BenchRequest } from './scenarios.js';

export interface LoadOptions {
  /** Origin of the server, e.g. http://127.0.0.1:41234 */
  origin: string;
  requests: readonly BenchRequest[];
  connections: number;
  durationSec: number;
  /** autocannon `overallRate`: requests per second over all connections. */
  rate?: number;
  /** Per-request timeout. */
  timeoutSec?: number;
}

export interface LoadResult {
  durationSec: number;
  /** Responses of any status. */
  responses: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon counts timeouts as errors too). */
  errors: number;
  timeouts: number;
  /** 2xx answers carrying GraphQL `errors` (a partial or refused answer, e.g. RATE_LIMITED). */
  errorAnswers: number;
  /** The first such answer, shortened, to say what went wrong. */
  firstErrorAnswer: string | null;
  /** 2xx responses per second. */
  reqPerSec: number;
  /** Of the 2xx responses, full resolution (see latency-recorder.ts). */
  latencyMs: LatencySummary;
  /** autocannon's own numbers (whole-ms latency histogram), kept in the raw results; null for the paced generator. */
  autocannon: null | { latencyP50: number; latencyP99: number; latencyMean: number; requestsSent: number; requestsAverage: number };
}

export interface RunningLoad {
  readonly done: Promise<LoadResult>;
  /** Ends the run early (autocannon still reports what it measured). */
  stop(): void;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const latencies = new LatencyRecorder();
  let ok = 0;
  const answers = new ErrorAnswerCounter();
  let settle: { resolve(result: LoadResult): void; reject(error: unknown): void } | undefined;
  const done = new Promise<LoadResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const requests = options.requests.map((r) => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body === undefined ? {} : { body: r.body }),
    onResponse: (status: number, body: string) => answers.observe(status, body),
  }));
  let connection = 0;
  // The callback form returns the instance (events, stop()); the promise form would not.
  const instance = autocannon(
    {
      url: options.origin,
      connections: options.connections,
      duration: options.durationSec,
      timeout: options.timeoutSec ?? 10,
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
      requests,
      // Every connection would otherwise start at request 0 and walk the list in lockstep
      // with the others: N simultaneous requests for the same user, N identical cache
      // misses. Each connection starts at its own offset instead, as independent phones would.
      setupClient: (client) => {
        const offset = Math.floor((connection++ * requests.length) / options.connections) % requests.length;
        client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
      },
    },
    (error, result) => {
      if (error !== null && error !== undefined) {
        settle!.reject(error);
        return;
      }
      settle!.resolve({
        durationSec: result.duration,
        responses: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
        ok,
        non2xx: result.non2xx,
        errors: result.errors,
        errorAnswers: answers.count,
        firstErrorAnswer: answers.first,
        timeouts: result.timeouts,
        reqPerSec: ok / result.duration,
        latencyMs: latencies.summary(),
        autocannon: {
          latencyP50: result.latency.p50,
          latencyP99: result.latency.p99,
          latencyMean: result.latency.mean,
          requestsSent: result.requests.sent,
          requestsAverage: result.requests.average,
        },
      });
    },
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      ok += 1;
      latencies.record(responseTime);
    }
  });
  return { done, stop: () => instance.stop() };
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return startLoad(options).done;
}
