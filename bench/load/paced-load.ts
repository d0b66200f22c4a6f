/**
 * An open-loop load generator at a fixed rate, wrk2-style: request i is due at
 * start + i/rate, whatever happened to the previous ones, and its latency counts
 * from when it was due (so a stalled server cannot hide its stall by slowing the
 * sender down — no coordinated omission).
 *
 * Why not autocannon's `overallRate`: autocannon gives each connection a quota
 * per second (rate / connections) that it fires back-to-back at the start of
 * every second and then idles, so "500 req/s over 50 connections" is a burst of
 * 50 concurrent requests each second, not a steady 500 req/s; its latency
 * histogram also keeps whole milliseconds only.
 */
import { Pool } from 'undici';
import { ErrorAnswerCounter } from './error-answers.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { LoadResult } from './load.js';
import type { BenchRequest } from './scenarios.js';

export interface PacedLoadOptions {
  origin: string;
  requests: readonly BenchRequest[];
  /** Most requests in flight (sockets); more due requests wait, and that wait counts. */
  connections: number;
  durationSec: number;
  rate: number;
  timeoutSec?: number;
  /**
   * Send each request of `requests` exactly once, in order (so `durationSec` is
   * requests ÷ rate), and return every latency by send index (`bySend`).
   */
  once?: boolean;
}

export async function runPacedLoad(options: PacedLoadOptions): Promise<LoadResult & { bySend?: Float64Array }> {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: (options.timeoutSec ?? 10) * 1000,
    bodyTimeout: (options.timeoutSec ?? 10) * 1000,
  });
  const latencies = new LatencyRecorder();
  const intervalMs = 1000 / options.rate;
  const total = options.once === true ? options.requests.length : Math.round(options.durationSec * options.rate);
  // NaN for a request that got no 2xx answer: it has no latency, and medians skip it.
  const bySend = options.once === true ? new Float64Array(total).fill(Number.NaN) : undefined;
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const answers = new ErrorAnswerCounter();
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();

  const send = (index: number, dueAt: number): void => {
    const request = options.requests[index % options.requests.length]!;
    const pending = pool
      .request({ method: request.method, path: request.path, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) })
      .then(async (response) => {
        const body = await response.body.text();
        const elapsed = performance.now() - dueAt;
        answers.observe(response.statusCode, body);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          ok += 1;
          latencies.record(elapsed);
          if (bySend !== undefined) bySend[index] = elapsed;
        } else {
          non2xx += 1;
        }
      })
      .catch((error: unknown) => {
        errors += 1;
        const code = (error as { code?: string }).code;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') timeouts += 1;
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };

  await new Promise<void>((resolve) => {
    // A 1 ms tick sends every request that has become due; at 500 req/s that is one
    // per tick, and a late tick sends the ones it missed at once, timed from their due time.
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && startedAt + sent * intervalMs <= now) {
        send(sent, startedAt + sent * intervalMs);
        sent += 1;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
  // A server far slower than the rate leaves a queue behind: wait for it at most the
  // request timeout, then drop what is left (counted as errors) rather than drain for minutes.
  const drainMs = (options.timeoutSec ?? 10) * 1000;
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    Promise.all([...inFlight]).then(() => true),
    new Promise<boolean>((resolve) => {
      drainTimer = setTimeout(() => resolve(false), drainMs);
    }),
  ]);
  clearTimeout(drainTimer);
  const durationSec = (performance.now() - startedAt) / 1000;
  if (drained) await pool.close();
  else {
    await pool.destroy();
    await Promise.all([...inFlight]);
  }
  const latencyMs = latencies.summary();
  return {
    durationSec,
    responses: ok + non2xx,
    ok,
    non2xx,
    errors,
    errorAnswers: answers.count,
    firstErrorAnswer: answers.first,
    timeouts,
    reqPerSec: ok / durationSec,
    latencyMs,
    autocannon: null,
    ...(bySend === undefined ? {} : { bySend }),
  };
}
