import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SLOW_DELAY_MS, FaultInjector, InvalidFaultError, type Fault } from './fault-injector.js';
import {
  HttpError,
  readJsonBody,
  sendCaughtError,
  sendError,
  sendJson,
  sendNotFound,
  type RouteMatch,
  type Router,
} from './json-http.js';
import type { BackendName, BackendStats, RecordedRequest, ReferenceBackend } from './types.js';

export interface BackendServerOptions {
  name: BackendName;
  /** Contract routes, plus optional control routes under `/__` (e.g. /__admin/compact). */
  router: Router;
  host?: string;
  port?: number;
  latencyMs?: number;
}

const RECORDED_LIMIT = 1000;
/** Stats label for requests that match no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Paths under this prefix are the control plane: never counted, delayed or faulted. */
const CONTROL_PREFIX = '/__';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function recordOf(req: IncomingMessage, method: string, path: string, query: string): RecordedRequest {
  return {
    method,
    path,
    query,
    headers: {
      'x-request-id': header(req, 'x-request-id'),
      'x-user-id': header(req, 'x-user-id'),
      'if-match': header(req, 'if-match'),
      'idempotency-key': header(req, 'idempotency-key'),
      authorization: header(req, 'authorization'),
      cookie: header(req, 'cookie'),
      'x-request-timeout-ms': header(req, 'x-request-timeout-ms'),
    },
  };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts one backend: the given router behind the shared control plane
 * (/__faults, /__stats), request stats/recording, base latency and fault
 * injection. Resolves once the server is listening.
 */
export async function startBackendServer(options: BackendServerOptions): Promise<ReferenceBackend> {
  const { name, router } = options;
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`latencyMs must be >= 0, got ${latencyMs}`);

  const faults = new FaultInjector();
  let requestCount = 0;
  const byRoute = new Map<string, number>();
  // Ring buffer: recording must not shift a 1000-element array per request.
  const recorded: (RecordedRequest | undefined)[] = new Array(RECORDED_LIMIT);
  let recordedNext = 0;
  let recordedSize = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  function resetStats(): void {
    requestCount = 0;
    byRoute.clear();
    recorded.fill(undefined);
    recordedNext = 0;
    recordedSize = 0;
  }

  function stats(): BackendStats {
    return { requests: requestCount, byRoute: Object.fromEntries(byRoute) };
  }

  function recordedRequests(): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    const start = (recordedNext - recordedSize + RECORDED_LIMIT) % RECORDED_LIMIT;
    for (let i = 0; i < recordedSize; i++) out.push(recorded[(start + i) % RECORDED_LIMIT] as RecordedRequest);
    return out;
  }

  function notifyWaiters(): void {
    const still: typeof waiters = [];
    for (const waiter of waiters) {
      if (requestCount >= waiter.count) waiter.resolve();
      else still.push(waiter);
    }
    waiters = still;
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, match: RouteMatch | undefined, query: string): void {
    if (!match) {
      sendNotFound(res);
      return;
    }
    try {
      const pending = match.route.handler(req, res, match.param, query);
      if (pending !== undefined) pending.then(undefined, (err: unknown) => sendCaughtError(res, err));
    } catch (err) {
      sendCaughtError(res, err);
    }
  }

  function applyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    match: RouteMatch | undefined,
    query: string,
  ): void {
    switch (fault.mode) {
      case 'ok':
      case 'slow': // the delay already happened
        dispatch(req, res, match, query);
        return;
      case 'hang':
        // Deliberately never answer; close() destroys the socket.
        return;
      case '500':
        sendError(res, 500, 'injected');
        return;
      case '503':
      case 'flaky':
        if (fault.retryAfter !== undefined) sendJson(res, 503, { error: 'injected' }, { 'retry-after': String(fault.retryAfter) });
        else sendError(res, 503, 'injected');
        return;
      case '429':
        sendJson(res, 429, { error: 'injected' }, { 'retry-after': String(fault.retryAfter ?? 1) });
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('<html>oops');
        return;
      case 'reset':
        req.socket.destroy();
        return;
    }
  }

  function later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: string): Promise<void> {
    if (path === '/__faults') {
      if (method === 'GET') return sendJson(res, 200, faults.current);
      if (method === 'DELETE') {
        faults.clear();
        return sendJson(res, 200, faults.current);
      }
      if (method === 'POST' || method === 'PUT') {
        const body = await readJsonBody(req);
        try {
          return sendJson(res, 200, faults.set(body));
        } catch (err) {
          if (err instanceof InvalidFaultError) throw new HttpError(400, err.message);
          throw err;
        }
      }
    } else if (path === '/__stats') {
      if (method === 'GET') return sendJson(res, 200, stats());
    } else if (path === '/__stats/reset') {
      if (method === 'POST') {
        resetStats();
        return sendJson(res, 200, stats());
      }
    } else {
      const match = router.match(method, path);
      if (match) return dispatch(req, res, match, query);
    }
    sendNotFound(res);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';

    if (path.startsWith(CONTROL_PREFIX)) {
      handleControl(req, res, method, path, query).catch((err: unknown) => sendCaughtError(res, err));
      return;
    }

    const match = router.match(method, path);
    const label = match ? match.route.label : UNMATCHED_ROUTE;
    requestCount++;
    byRoute.set(label, (byRoute.get(label) ?? 0) + 1);
    recorded[recordedNext] = recordOf(req, method, path, query);
    recordedNext = (recordedNext + 1) % RECORDED_LIMIT;
    if (recordedSize < RECORDED_LIMIT) recordedSize++;
    if (waiters.length !== 0) notifyWaiters();

    const fault = faults.next(method);
    const delay = fault !== undefined && fault.mode === 'slow' ? latencyMs + (fault.delayMs ?? DEFAULT_SLOW_DELAY_MS) : latencyMs;
    if (delay === 0) {
      // Hot path: no timer, no closure.
      if (fault === undefined) dispatch(req, res, match, query);
      else applyFault(fault, req, res, match, query);
    } else if (fault === undefined) {
      later(delay, () => dispatch(req, res, match, query));
    } else {
      later(delay, () => applyFault(fault, req, res, match, query));
    }
  }

  const server = createServer(onRequest);
  // A benchmark client keeps connections open; be generous with idle keep-alive.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${formatHost(host)}:${port}`;

  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      // Without this, keep-alive and hung sockets would hold close() open.
      server.closeAllConnections();
    });
    return closing;
  }

  return {
    name,
    url,
    port,
    setFault(fault: Fault): void {
      faults.set(fault);
    },
    clearFault(): void {
      faults.clear();
    },
    getFault(): Fault {
      return faults.current;
    },
    stats,
    resetStats,
    get requests(): readonly RecordedRequest[] {
      return recordedRequests();
    },
    waitForRequests(count: number): Promise<void> {
      if (requestCount >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    close,
  };
}
