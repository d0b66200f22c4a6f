/**
 * The load generator: the one place that sends the benchmark's requests and records
 * what came back. One undici Pool (`connections` sockets, one request in flight on
 * each) and one recorder, and two ways to pace the requests:
 *
 * - closed loop (no `rate`): each of `connections` senders sends its next request as
 *   soon as the previous one is answered, so the server's speed sets the throughput.
 *   Each sender starts at its own place in the request list and walks it from there:
 *   from the same place, N senders would ask for the same viewer at the same moment
 *   (N identical cache misses), which independent phones do not.
 * - fixed rate (`rate`, open loop, wrk2-style): request i is due at start + i/rate,
 *   whatever happened to the ones before it, and its latency counts from when it was
 *   due, so a stalled server cannot hide its stall by slowing the sender down (no
 *   coordinated omission). At most `connections` are in flight; a due request waiting
 *   for a free connection waits on the clock. `once`: every request of the list
 *   exactly once, in order, with each latency kept by send index.
 *
 * Latencies are kept at full resolution (latency-recorder.ts); 2xx answers carrying
 * GraphQL `errors` are counted, since a status code cannot tell a complete answer from
 * a partial or refused one (a rate-limited field still answers 200).
 */
import { Pool } from 'undici';
import { LatencyRecorder, type LatencySummary } from './latency-recorder.js';
import type { BenchRequest } from './scenarios.js';

export interface LoadOptions {
  /** Origin of the server, e.g. http://127.0.0.1:41234 */
  origin: string;
  requests: readonly BenchRequest[];
  /** Requests in flight at most (sockets). */
  connections: number;
  /** How long to send; ignored with `once` (the list decides: requests ÷ rate). */
  durationSec: number;
  /** Requests per second, open loop; undefined: closed loop, as fast as the server answers. */
  rate?: number;
  /** At `rate`: each request exactly once, in order, and every latency by send index (`bySend`). */
  once?: boolean;
  /** Per-request timeout (headers and body); a request over it counts as an error and a timeout. */
  timeoutSec?: number;
}

export interface LoadResult {
  durationSec: number;
  /** Responses of any status. */
  responses: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** 2xx answers carrying GraphQL `errors` (a partial or refused answer, e.g. RATE_LIMITED). */
  errorAnswers: number;
  /** The first such answer, shortened, to say what went wrong. */
  firstErrorAnswer: string | null;
  /** 2xx responses per second. */
  reqPerSec: number;
  /** Of the 2xx responses. */
  latencyMs: LatencySummary;
  /** `once`: the latency of each request by send index; NaN for one without a 2xx answer. */
  bySend?: Float64Array;
}

export interface RunningLoad {
  readonly done: Promise<LoadResult>;
  /** Ends the run early: nothing more is sent; what is in flight is still answered and counted. */
  stop(): void;
}

const DEFAULT_TIMEOUT_SEC = 10;

export function startLoad(options: LoadOptions): RunningLoad {
  if (options.requests.length === 0) throw new Error('a load needs at least one request');
  if (options.once === true && options.rate === undefined) throw new Error('a load that sends every request once needs a rate');
  const timeoutMs = (options.timeoutSec ?? DEFAULT_TIMEOUT_SEC) * 1000;
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const recorder = new LoadRecorder(options.once === true ? options.requests.length : 0);
  const inFlight = new Set<Promise<void>>();
  /** Sends request `index` (of the list, cyclically) and records its answer, timed from `startedAt`. */
  const send = (index: number, startedAt: number): Promise<void> => {
    const request = options.requests[index % options.requests.length]!;
    const pending = pool
      .request({ method: request.method, path: request.path, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) })
      .then(async (response) => {
        const body = await response.body.text();
        recorder.answered(index, response.statusCode, body, performance.now() - startedAt);
      })
      .catch((error: unknown) => recorder.failed(error))
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    return pending;
  };
  const stopped = { value: false };
  const startedAt = performance.now();
  const pacing = options.rate === undefined ? closedLoop(options, send, stopped) : fixedRate(options, options.rate, send, stopped);
  const done = pacing.then(async () => {
    // A server far slower than the rate leaves a queue behind: wait for it at most the
    // request timeout, then drop what is left (counted as errors) rather than drain for minutes.
    const drained = await settledWithin([...inFlight], timeoutMs);
    const durationSec = (performance.now() - startedAt) / 1000;
    if (drained) await pool.close();
    else {
      await pool.destroy();
      await Promise.all([...inFlight]);
    }
    return recorder.result(durationSec);
  });
  return {
    done,
    stop: () => {
      stopped.value = true;
    },
  };
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return startLoad(options).done;
}

type Send = (index: number, startedAt: number) => Promise<void>;

/** `connections` senders, each waiting for its answer before its next request; resolves once all have stopped. */
async function closedLoop(options: LoadOptions, send: Send, stopped: { value: boolean }): Promise<void> {
  const total = options.requests.length;
  const endsAt = performance.now() + options.durationSec * 1000;
  const sender = async (connection: number): Promise<void> => {
    let index = Math.floor((connection * total) / options.connections) % total;
    while (!stopped.value && performance.now() < endsAt) {
      await send(index, performance.now());
      index = (index + 1) % total;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, connection) => sender(connection)));
}

/** Sends request i at start + i/rate, timed from then; resolves once the last one is sent. */
function fixedRate(options: LoadOptions, rate: number, send: Send, stopped: { value: boolean }): Promise<void> {
  const intervalMs = 1000 / rate;
  const total = options.once === true ? options.requests.length : Math.round(options.durationSec * rate);
  const startedAt = performance.now();
  let sent = 0;
  return new Promise<void>((resolve) => {
    // A 1 ms tick sends every request that has become due; at 500 req/s that is one
    // per tick, and a late tick sends the ones it missed at once, timed from their due time.
    const tick = (): void => {
      const now = performance.now();
      while (!stopped.value && sent < total && startedAt + sent * intervalMs <= now) {
        void send(sent, startedAt + sent * intervalMs);
        sent += 1;
      }
      if (stopped.value || sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
}

/** True once every one of `pending` settled, false if `ms` passed first. */
async function settledWithin(pending: readonly Promise<void>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.all(pending).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What one run got back: counts, latencies of the 2xx answers, error answers, and (`once`) latencies by send index. */
class LoadRecorder {
  private readonly latencies = new LatencyRecorder();
  private ok = 0;
  private non2xx = 0;
  private errors = 0;
  private timeouts = 0;
  private errorAnswers = 0;
  private firstErrorAnswer: string | null = null;
  private readonly bySend: Float64Array | undefined;

  /** `bySendLength` > 0: keep each latency by send index (NaN until answered with a 2xx). */
  constructor(bySendLength: number) {
    this.bySend = bySendLength > 0 ? new Float64Array(bySendLength).fill(Number.NaN) : undefined;
  }

  answered(index: number, status: number, body: string, latencyMs: number): void {
    if (status < 200 || status >= 300) {
      this.non2xx += 1;
      return;
    }
    this.ok += 1;
    this.latencies.record(latencyMs);
    if (this.bySend !== undefined) this.bySend[index] = latencyMs;
    // A substring test, not JSON.parse: this runs for every response on the load generator's core.
    if (body.includes('"errors"')) {
      this.errorAnswers += 1;
      this.firstErrorAnswer ??= body.slice(0, 400);
    }
  }

  failed(error: unknown): void {
    this.errors += 1;
    const code = (error as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') this.timeouts += 1;
  }

  result(durationSec: number): LoadResult {
    return {
      durationSec,
      responses: this.ok + this.non2xx,
      ok: this.ok,
      non2xx: this.non2xx,
      errors: this.errors,
      timeouts: this.timeouts,
      errorAnswers: this.errorAnswers,
      firstErrorAnswer: this.firstErrorAnswer,
      reqPerSec: this.ok / durationSec,
      latencyMs: this.latencies.summary(),
      ...(this.bySend === undefined ? {} : { bySend: this.bySend }),
    };
  }
}
