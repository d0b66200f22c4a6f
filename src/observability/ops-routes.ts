import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { handleHealthRoute, type HealthState } from './health-routes.js';
import { handleMetricsRoute } from './metrics-route.js';

export interface OpsRoutesOptions {
  health: HealthState;
  registry: Registry;
  /**
   * OPS_TOKEN: when set, `/metrics` and `/health/detailed` answer only a request with
   * `Authorization: Bearer <token>` (401 otherwise). null: open.
   */
  token: string | null;
}

/**
 * Which routes a listener serves:
 * - `all`: the probes, `/metrics` and `/health/detailed` (the main port without
 *   OPS_PORT, and the ops port);
 * - `probes`: only `/health` and `/health/ready` (the main port when OPS_PORT moves
 *   the rest to a listener the internet cannot reach).
 */
export type OpsExposure = 'all' | 'probes';

/** The operations endpoints: probes always open, metrics and details behind OPS_PORT/OPS_TOKEN. */
export interface OpsRoutes {
  /** Answers an operations path and returns true, or returns false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, requestId: string, exposure: OpsExposure): boolean;
}

/** Paths that show version, breaker and Redis state: never for strangers when an operator says so. */
const PRIVATE_PATHS = new Set(['/metrics', '/health/detailed']);

export function createOpsRoutes(options: OpsRoutesOptions): OpsRoutes {
  // Hashes have one length, so the comparison takes the same time whatever was sent.
  const expected = options.token === null ? null : digest(options.token);
  const authorized = (req: IncomingMessage): boolean => {
    if (expected === null) return true;
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(header.slice('Bearer '.length)), expected);
  };
  return {
    handle(req, res, requestId, exposure) {
      const path = req.url === undefined ? '' : req.url.split('?', 1)[0]!;
      if (PRIVATE_PATHS.has(path)) {
        if (exposure === 'probes') return false;
        if (!authorized(req)) {
          const body = JSON.stringify({ status: 'unauthorized', message: 'Authorization: Bearer <OPS_TOKEN> required' });
          res.writeHead(401, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            'www-authenticate': 'Bearer realm="gateway-ops"',
            'cache-control': 'no-store',
            'x-request-id': requestId,
          });
          res.end(body);
          return true;
        }
      }
      return handleHealthRoute(req, res, options.health, requestId) || handleMetricsRoute(req, res, options.registry, requestId);
    },
  };
}

// Private:

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
