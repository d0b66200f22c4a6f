import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthState {
  /** False once shutdown began, so load balancers stop sending traffic. */
  readonly ready: () => boolean;
  /** Extra JSON for `/health/ready` (why it is or is not ready). */
  readonly readiness?: () => Record<string, unknown>;
  /** Extra JSON for `/health/detailed`. */
  readonly details: () => Record<string, unknown>;
}

/**
 * Answers the probes without touching GraphQL or any backend, so a probe never
 * adds load to a struggling dependency. Returns false for other paths.
 */
export function handleHealthRoute(req: IncomingMessage, res: ServerResponse, state: HealthState, requestId: string): boolean {
  const path = req.url === undefined ? '' : req.url.split('?', 1)[0];
  if (path !== '/health' && path !== '/health/ready' && path !== '/health/detailed') return false;
  let status = 200;
  let body: Record<string, unknown>;
  if (path === '/health') {
    body = { status: 'ok' };
  } else if (path === '/health/ready') {
    const ready = state.ready();
    status = ready ? 200 : 503;
    body = { status: ready ? 'ready' : 'not_ready', ...state.readiness?.() };
  } else {
    body = { status: state.ready() ? 'ready' : 'not_ready', ...state.details() };
  }
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'x-request-id': requestId,
  });
  res.end(req.method === 'HEAD' ? undefined : json);
  return true;
}
