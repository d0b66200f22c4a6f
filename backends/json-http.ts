import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Tiny JSON-over-node:http helpers shared by every reference backend. */

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
/** Batch endpoints refuse more ids than this (400). */
export const MAX_BATCH_IDS = 500;

/** An error that maps to a JSON error response: `{ error, ...extra }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Serialises `body` and ends the response with an explicit content-length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

/** Sends an already-serialised JSON string (used for idempotent replays). */
export function sendRawJson(res: ServerResponse, status: number, json: string, headers?: OutgoingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(json));
  if (headers) for (const name in headers) res.setHeader(name, headers[name] as string | number | string[]);
  res.end(json);
}

/** `{ "error": message, ...extra }` with the given status. */
export function sendError(res: ServerResponse, status: number, message: string, extra?: Readonly<Record<string, unknown>>): void {
  sendJson(res, status, extra ? { error: message, ...extra } : { error: message });
}

export function sendNotFound(res: ServerResponse): void {
  sendError(res, 404, 'not found');
}

/** 204 with no body (DELETE). */
export function sendNoContent(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = 204;
  res.end();
}

/** Turns any thrown value into a response; unexpected errors become a 500. */
export function sendCaughtError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    sendError(res, err.status, err.message, err.extra);
    return;
  }
  // Rare (a bug or a client that vanished mid-body): not on the hot path, so
  // writing to stderr here is fine.
  if (!res.destroyed) console.error('[reference-backend] unexpected error', err);
  sendError(res, 500, 'internal error');
}

/**
 * Reads and parses a JSON body, refusing more than `limitBytes` (413).
 * Resolves `undefined` for an empty body; invalid JSON → HttpError 400.
 */
export function readJsonBody(req: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) {
      req.resume(); // drain so the connection can be reused
      reject(new HttpError(413, `body larger than ${limitBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        settled = true;
        reject(new HttpError(413, `body larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'body is not valid JSON'));
      }
    });
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    req.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new Error('request closed before the body was complete'));
    });
  });
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a limit query parameter: absent → `fallback`; anything but a
 * positive integer → 400; above `max` → clamped to `max`.
 */
export function parseLimit(raw: string | null, fallback: number, max: number): number {
  if (raw === null) return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new HttpError(400, 'limit must be a positive integer');
  const n = Number(raw);
  if (n < 1 || !Number.isSafeInteger(n)) throw new HttpError(400, 'limit must be a positive integer');
  return n > max ? max : n;
}

/** Parses a non-negative integer parameter (e.g. `after`); absent → `fallback`. */
export function parseNonNegativeInt(name: string, raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new HttpError(400, `${name} must be a non-negative integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be a non-negative integer`);
  return n;
}

/** A required, non-empty string parameter. */
export function requireParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw new HttpError(400, `${name} is required`);
  return value;
}

/**
 * Parses `ids=a,b,c`: empty entries are skipped, duplicates collapse to the
 * first occurrence, more than MAX_BATCH_IDS distinct ids → 400.
 */
export function parseIds(raw: string): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const part of raw.split(',')) {
    const id = part.trim();
    if (id === '' || seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  if (ids.length > MAX_BATCH_IDS) throw new HttpError(400, `at most ${MAX_BATCH_IDS} ids per request`);
  return ids;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  /** The decoded `:param` segment, or '' for a static route. */
  param: string,
  /** Raw query string, without the leading `?`. */
  query: string,
) => void | Promise<void>;

export interface Route {
  readonly method: string;
  /** Stats label, e.g. `GET /orders/:id`. */
  readonly label: string;
  readonly handler: RouteHandler;
  /** Exact path for static routes; prefix (ending in `/`) for param routes. */
  readonly path: string;
  readonly hasParam: boolean;
}

export interface RouteMatch {
  readonly route: Route;
  readonly param: string;
}

/**
 * Minimal router: patterns are either static (`/orders/changes`) or a static
 * prefix plus one trailing parameter (`/orders/:id`) — all the contract needs,
 * and matchable without splitting the path. Static routes win over param
 * routes, so `/orders/changes` is never read as an order id.
 */
export class Router {
  /** Static routes carry a prebuilt match, so matching them allocates nothing. */
  private readonly staticRoutes: { route: Route; match: RouteMatch }[] = [];
  private readonly paramRoutes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    const colon = pattern.indexOf('/:');
    const label = `${method} ${pattern}`;
    if (colon === -1) {
      const route: Route = { method, label, handler, path: pattern, hasParam: false };
      this.staticRoutes.push({ route, match: { route, param: '' } });
    } else {
      if (pattern.indexOf('/', colon + 1) !== -1) throw new Error(`unsupported route pattern ${pattern}`);
      this.paramRoutes.push({ method, label, handler, path: pattern.slice(0, colon + 1), hasParam: true });
    }
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.add('POST', pattern, handler);
  }

  patch(pattern: string, handler: RouteHandler): this {
    return this.add('PATCH', pattern, handler);
  }

  delete(pattern: string, handler: RouteHandler): this {
    return this.add('DELETE', pattern, handler);
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const { route, match } of this.staticRoutes) {
      if (route.method === method && route.path === path) return match;
    }
    for (const route of this.paramRoutes) {
      const prefix = route.path;
      if (
        route.method === method &&
        path.length > prefix.length &&
        path.startsWith(prefix) &&
        path.indexOf('/', prefix.length) === -1
      ) {
        const raw = path.slice(prefix.length);
        if (raw.indexOf('%') === -1) return { route, param: raw };
        try {
          return { route, param: decodeURIComponent(raw) };
        } catch {
          return undefined; // malformed escape: treat as an unknown route
        }
      }
    }
    return undefined;
  }
}
