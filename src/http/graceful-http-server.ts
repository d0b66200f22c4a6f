import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueryLimits } from '../edge/query-limits.js';
import type { Logger } from '../observability/create-logger.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface GracefulHttpServerOptions {
  limits: Pick<QueryLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>;
  logger: Logger;
}

/**
 * The gateway's listeners (public, and the optional operations one) and their graceful
 * stop: counts requests in flight, answers `Connection: close` while draining, and on
 * `close` waits for the in-flight ones (up to `drainMs`) before cutting the rest.
 */
export interface GracefulHttpServer {
  /** True from `drain()` or `close()` on: readiness turns 503. */
  readonly shuttingDown: boolean;
  /** Wraps the public listener: counts the request in flight until its response closes. */
  tracked(listener: Listener): Listener;
  listen(
    listener: Listener,
    port: number,
    host: string,
    ops?: { listener: Listener; port: number },
  ): Promise<{ server: Server; url: string; port: number; opsUrl?: string }>;
  drain(): void;
  close(drainMs: number): Promise<void>;
}

export function createGracefulHttpServer(options: GracefulHttpServerOptions): GracefulHttpServer {
  const { limits, logger } = options;
  let shuttingDown = false;
  let server: Server | null = null;
  let opsServer: Server | null = null;
  let active = 0;
  let drained: (() => void) | null = null;

  return {
    get shuttingDown() {
      return shuttingDown;
    },
    tracked: (listener) => (req, res) => {
      active += 1;
      res.once('close', () => {
        active -= 1;
        if (active === 0) drained?.();
      });
      // While draining, every answer asks the client to open its next request elsewhere.
      if (shuttingDown) res.setHeader('connection', 'close');
      listener(req, res);
    },
    async listen(listener, port, host, ops) {
      const created = createServer(slowClientTimeouts(limits), listener);
      // Longer than a typical load balancer's idle timeout, so it closes first.
      created.keepAliveTimeout = 65_000;
      const bound = await listenOn(created, port, host);
      server = created;
      const url = `http://${shownHost(host)}:${bound}`;
      if (ops === undefined) return { server: created, url, port: bound };
      const createdOps = createServer(slowClientTimeouts(limits), ops.listener);
      const opsBound = await listenOn(createdOps, ops.port, host);
      opsServer = createdOps;
      return { server: created, url, port: bound, opsUrl: `http://${shownHost(host)}:${opsBound}` };
    },
    drain() {
      shuttingDown = true;
    },
    async close(drainMs) {
      shuttingDown = true;
      if (opsServer !== null) {
        const listening = opsServer;
        // Scrapes and probes hold nothing worth draining.
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeAllConnections();
        });
      }
      if (server !== null) {
        const listening = server;
        // Stops accepting connections; Node also closes the idle keep-alive ones.
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        const idle = active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), drainMs)));
        const outcome = await Promise.race([idle.then(() => 'drained' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') logger.warn({ inFlight: active, drainMs }, 'drain timeout: cutting the remaining connections');
        listening.closeAllConnections();
        await closed;
      }
    },
  };
}

// Private:

/**
 * A client that trickles its headers or body is cut with 408 after these, instead of
 * holding a socket for Node's 300 s. Node checks them every `connectionsCheckingInterval`
 * (30 s by default, far coarser than the limits), so it is checked at a tenth of the limit.
 */
function slowClientTimeouts(limits: GracefulHttpServerOptions['limits']): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shownHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
