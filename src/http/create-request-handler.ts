import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ClientRateLimiter } from '../edge/client-rate-limiter.js';
import type { Authenticate } from '../edge/authenticate.js';
import type { QueryLimits } from '../edge/query-limits.js';
import type { HeaderReader } from '../edge/client-identity.js';
import { readBodyWithin, sendBodyTooLarge, streamsBodyWithoutLength } from '../edge/request-body-limit.js';
import { rateLimitHeaders, tooManyRequests } from '../edge/too-many-requests.js';
import type { Logger } from '../observability/create-logger.js';
import type { OpsExposure, OpsRoutes } from '../observability/ops-routes.js';
import { resolveRequestId } from '../observability/request-id.js';
import type { CreateRequestScope, RequestScopeServerContext } from '../request-scope.js';

export interface RequestHandlerDeps {
  ops: OpsRoutes;
  /** `all`, or only the probes when the operations routes have their own listener. */
  exposure: OpsExposure;
  authenticate: Authenticate;
  clientLimiter: ClientRateLimiter;
  limits: Pick<QueryLimits, 'maxBodyBytes'>;
  logger: Logger;
  createScope: CreateRequestScope;
  onClientLimited(): void;
  /** yoga's node handler; it answers some requests (e.g. 415) synchronously and returns no promise. */
  graphql(req: IncomingMessage, res: ServerResponse, context: RequestScopeServerContext): Promise<unknown> | unknown;
}

/**
 * The node:http request listener, in the order that keeps abuse cheap: operations routes
 * (probes, metrics) first; a declared body over the limit refused from its headers; the
 * token verified once, into the request's scope (which the client limit, every plugin and
 * every resolver read); the client limit counted before the body is read; a chunked body
 * counted as it arrives; then GraphQL.
 */
export function createRequestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { ops, exposure, authenticate, clientLimiter, limits, logger } = deps;
  return (req, res) => {
    const header = nodeHeader(req.headers);
    const requestId = resolveRequestId(header('x-request-id'));
    if (ops.handle(req, res, requestId, exposure)) return;
    const fail = (error: unknown) => {
      logger.error({ err: error, requestId }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'x-request-id': requestId });
      res.end();
    };
    if (req.method === 'POST' && refuseDeclaredBody(req, res, requestId, limits.maxBodyBytes)) return;
    const serve = async () => {
      // Verified once here, for the limit and for the context: a forged `sub` must not
      // spend someone else's quota.
      const auth = await authenticate(req.headers.authorization ?? null);
      const scope = deps.createScope({ requestId, auth, clientIp: req.socket.remoteAddress ?? 'unknown', header });
      // The deadline's timer goes with the response, whatever ends it: answered (an
      // incremental @defer answer only once its last part is sent), or the client gone,
      // which also stops every backend call of the request.
      res.once('close', () => {
        if (!res.writableFinished) scope.deadline.cancel(new Error('the client closed the connection'));
        scope.deadline.dispose();
      });
      // The client limit is checked before the body is even read: abuse costs one counter.
      // This counts one operation; a batch's others are counted once parsed (useBatchRateLimit).
      const decision = await clientLimiter.hit(scope.clientId, 1, scope.rateLimitTier);
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
      if (!decision.allowed) {
        deps.onClientLimited();
        const refusal = tooManyRequests(decision);
        res.writeHead(refusal.status, { ...refusal.headers, 'content-length': Buffer.byteLength(refusal.body), 'x-request-id': requestId });
        res.end(refusal.body);
        return;
      }
      if (req.method === 'POST' && streamsBodyWithoutLength(req)) {
        const read = await readBodyWithin(req, limits.maxBodyBytes);
        if (read.kind === 'aborted') return;
        if (read.kind === 'too_large') {
          // Flushed first, then the connection goes: the client may still be sending.
          res.once('finish', () => req.destroy());
          sendBodyTooLarge(res, requestId, limits.maxBodyBytes);
          return;
        }
        // yoga's Node adapter takes an already-read body from `req.body` (as behind
        // Express' body parsers), the request stream being consumed. As a stream: a Buffer
        // there would be tested with Object.keys, one string per byte (7 ms for 64 KiB).
        (req as IncomingMessage & { body?: Readable }).body = Readable.from([read.body]);
      }
      await deps.graphql(req, res, { scope });
    };
    serve().catch(fail);
  };
}

/** The operations listener (OPS_PORT): its routes, 404 for anything else. */
export function createOpsHandler(ops: OpsRoutes): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = resolveRequestId(firstValue(req.headers['x-request-id']));
    if (ops.handle(req, res, requestId, 'all')) return;
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
    res.end(JSON.stringify({ status: 'not_found' }));
  };
}

/** A node request's headers as the request scope reads them: the first value of a repeated header. */
export function nodeHeader(headers: IncomingHttpHeaders): HeaderReader {
  return (name) => firstValue(headers[name]);
}

// Private:

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

/**
 * The body-size limit of a body that declares its length: 413 from Content-Length alone
 * (Node's parser never reads past it). A chunked body has no length to check here: it is
 * counted as it is read.
 */
function refuseDeclaredBody(req: IncomingMessage, res: ServerResponse, requestId: string, maxBytes: number): boolean {
  const declared = req.headers['content-length'];
  if (declared === undefined || Number(declared) <= maxBytes) return false;
  sendBodyTooLarge(res, requestId, maxBytes);
  return true;
}
