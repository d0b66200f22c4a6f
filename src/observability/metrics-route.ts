import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the instance's registry in Prometheus text format. Returns false for other paths. */
export function handleMetricsRoute(req: IncomingMessage, res: ServerResponse, registry: Registry, requestId: string): boolean {
  if (req.url === undefined || req.url.split('?', 1)[0] !== '/metrics') return false;
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store', 'x-request-id': requestId });
      res.end(text);
    },
    (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': requestId });
      res.end(`metrics unavailable: ${(error as Error).message}\n`);
    },
  );
  return true;
}
