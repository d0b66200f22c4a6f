import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient, type HttpClientOptions, type UpstreamRequest } from '../../../src/upstream/http-client.js';
import { isUpstreamError, type UpstreamError } from '../../../src/upstream/upstream-error.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let port: number;
let handler: Handler;
const clients: HttpClient[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({ service: 'catalog', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000, ...options });
  clients.push(c);
  return c;
}

/** Awaits a rejection and checks that it is an UpstreamError. */
async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    expect(isUpstreamError(error)).toBe(true);
    return error as UpstreamError;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
}

const get = (path = '/products'): UpstreamRequest => ({ method: 'GET', path });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.closeAllConnections();
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('createHttpClient: answers', () => {
  it('exposes its service name', () => {
    expect(client({ service: 'orders' }).service).toBe('orders');
  });

  it('200 JSON resolves with status, parsed body and headers', async () => {
    handler = (_req, res) => json(res, 200, { items: [{ id: 'p1' }] }, { 'x-backend': 'catalog-1' });
    const response = await client().request(get());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [{ id: 'p1' }] });
    expect(response.headers['x-backend']).toBe('catalog-1');
  });

  it('204 resolves with a null body', async () => {
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const response = await client().request({ method: 'DELETE', path: '/products/p1' });
    expect(response).toMatchObject({ status: 204, body: null });
  });

  it('200 with an empty body resolves with a null body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    };
    expect((await client().request(get())).body).toBeNull();
  });

  it('201 (any 2xx) is a success', async () => {
    handler = (_req, res) => json(res, 201, { id: 'o9' });
    expect(await client().request({ method: 'POST', path: '/orders', body: {} })).toMatchObject({
      status: 201,
      body: { id: 'o9' },
    });
  });

  it('JSON scalars are bodies too', async () => {
    handler = (_req, res) => json(res, 200, 42);
    expect((await client().request(get())).body).toBe(42);
  });

  it('reads a large body sent in many chunks', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: `p${i}`, name: 'x'.repeat(20) }));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify(items);
      for (let i = 0; i < text.length; i += 1000) res.write(text.slice(i, i + 1000));
      res.end();
    };
    expect((await client().request(get())).body).toEqual(items);
  });
});

describe('createHttpClient: requests', () => {
  it('sends method, path and query, accept header, custom headers and a JSON body', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    handler = (req, res, body) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      json(res, 200, { ok: true });
    };
    await client().request({
      method: 'PATCH',
      path: '/orders/o1?expectedVersion=3',
      headers: { 'x-request-id': 'req-123', authorization: 'Bearer abc', 'idempotency-key': 'k1' },
      body: { status: 'CANCELLED', note: 'ünïcode' },
    });
    expect(seen.method).toBe('PATCH');
    expect(seen.url).toBe('/orders/o1?expectedVersion=3');
    expect(seen.headers?.accept).toBe('application/json');
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(seen.headers?.['x-request-id']).toBe('req-123');
    expect(seen.headers?.authorization).toBe('Bearer abc');
    expect(seen.headers?.['idempotency-key']).toBe('k1');
    expect(JSON.parse(seen.body ?? '')).toEqual({ status: 'CANCELLED', note: 'ünïcode' });
  });

  it('sends no body and no content-type without a body', async () => {
    let seen: { headers?: IncomingMessage['headers']; body?: string } = {};
    handler = (req, res, body) => {
      seen = { headers: req.headers, body };
      json(res, 200, {});
    };
    await client().request(get());
    expect(seen.body).toBe('');
    expect(seen.headers?.['content-type']).toBeUndefined();
  });

  it('a caller may override the accept header', async () => {
    let accept: string | undefined;
    handler = (req, res) => {
      accept = req.headers.accept;
      json(res, 200, {});
    };
    await client().request({ ...get(), headers: { accept: 'application/vnd.catalog+json' } });
    expect(accept).toBe('application/vnd.catalog+json');
  });

  it('prefixes request paths with the base URL path', async () => {
    const urls: string[] = [];
    handler = (req, res) => {
      urls.push(req.url ?? '');
      json(res, 200, {});
    };
    await client({ baseUrl: `http://127.0.0.1:${port}/api` }).request(get('/products?ids=p1,p2'));
    await client({ baseUrl: `http://127.0.0.1:${port}/api/v2/` }).request(get('/users/u1'));
    await client({ baseUrl: `http://127.0.0.1:${port}/` }).request(get('/root'));
    expect(urls).toEqual(['/api/products?ids=p1,p2', '/api/v2/users/u1', '/root']);
  });
});

describe('createHttpClient: status failures', () => {
  it('500 rejects with kind status, the status and the service', async () => {
    handler = (_req, res) => json(res, 500, { error: 'boom' });
    const error = await failure(client().request(get('/products?ids=secret-id')));
    expect(error).toMatchObject({ kind: 'status', status: 500, service: 'catalog', body: { error: 'boom' } });
    expect(error.retryAfter).toBeUndefined();
    expect(error.name).toBe('UpstreamError');
    expect(error.message).toContain('/products');
    expect(error.message).not.toContain('secret-id');
  });

  it('a 500 with an HTML page is still a status error, with no parsed body', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<h1>Internal Server Error</h1>');
    };
    const error = await failure(client().request(get()));
    expect(error.kind).toBe('status');
    expect(error.status).toBe(500);
    expect(error.body).toBeUndefined();
  });

  it('503 with Retry-After: 7 carries retryAfter 7', async () => {
    handler = (_req, res) => json(res, 503, { error: 'overloaded' }, { 'retry-after': '7' });
    const error = await failure(client().request(get()));
    expect(error).toMatchObject({ kind: 'status', status: 503, retryAfter: 7 });
  });

  it('429 with a far-away Retry-After date is capped at one hour', async () => {
    const inTwoHours = new Date(Date.now() + 2 * 3600 * 1000).toUTCString();
    handler = (_req, res) => json(res, 429, {}, { 'retry-after': inTwoHours });
    const error = await failure(client().request(get()));
    expect(error).toMatchObject({ kind: 'status', status: 429, retryAfter: 3600 });
  });

  it('404 rejects by default', async () => {
    handler = (_req, res) => json(res, 404, { error: 'not found' });
    const error = await failure(client().request(get('/products/nope')));
    expect(error).toMatchObject({ kind: 'status', status: 404, body: { error: 'not found' } });
  });

  it('404 resolves with its body when acceptStatuses includes it', async () => {
    handler = (_req, res) => json(res, 404, { error: 'not found' });
    const response = await client().request({ ...get('/products/nope'), acceptStatuses: [404] });
    expect(response).toMatchObject({ status: 404, body: { error: 'not found' } });
  });

  it('acceptStatuses only accepts the listed statuses', async () => {
    handler = (_req, res) => json(res, 409, { currentVersion: 4 });
    const error = await failure(client().request({ ...get(), acceptStatuses: [404] }));
    expect(error).toMatchObject({ kind: 'status', status: 409, body: { currentVersion: 4 } });
  });

  it('an accepted status with an empty body resolves with null', async () => {
    handler = (_req, res) => {
      res.writeHead(404);
      res.end();
    };
    expect(await client().request({ ...get(), acceptStatuses: [404] })).toMatchObject({ status: 404, body: null });
  });

  it('an accepted status with a non-JSON body is bad_body', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    };
    const error = await failure(client().request({ ...get(), acceptStatuses: [404] }));
    expect(error).toMatchObject({ kind: 'bad_body', status: 404 });
  });
});

describe('createHttpClient: bad bodies', () => {
  it('200 with a body that is not JSON is bad_body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    };
    const error = await failure(client().request(get()));
    expect(error).toMatchObject({ kind: 'bad_body', status: 200, service: 'catalog' });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('200 with truncated JSON is bad_body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"items": [');
    };
    expect((await failure(client().request(get()))).kind).toBe('bad_body');
  });

  it('a body larger than maxResponseBytes is bad_body', async () => {
    handler = (_req, res) => json(res, 200, { blob: 'x'.repeat(10_000) });
    const error = await failure(client({ maxResponseBytes: 1000 }).request(get()));
    expect(error).toMatchObject({ kind: 'bad_body', status: 200 });
    expect(error.message).toContain('1000');
  });

  it('a body of exactly maxResponseBytes is read', async () => {
    const text = JSON.stringify({ blob: 'x'.repeat(100) });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    };
    const response = await client({ maxResponseBytes: Buffer.byteLength(text) }).request(get());
    expect(response.body).toEqual({ blob: 'x'.repeat(100) });
  });

  it('an oversized streamed body is cut off as bad_body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      for (let i = 0; i < 100; i++) res.write(`"${'y'.repeat(1000)}",`);
      res.end('0]');
    };
    expect((await failure(client({ maxResponseBytes: 5000 }).request(get()))).kind).toBe('bad_body');
  });
});

describe('createHttpClient: transport failures', () => {
  it('a server that never answers is a timeout, well under 1 s with timeoutMs 100', async () => {
    handler = () => {
      /* never answers */
    };
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 100 }).request(get()));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'timeout', service: 'catalog' });
    expect(error.status).toBeUndefined();
    expect(elapsed).toBeLessThan(900);
  });

  it('the per-request timeoutMs overrides the client timeout', async () => {
    handler = () => {
      /* never answers */
    };
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 2000 }).request({ ...get(), timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('a body that stalls after the headers is a timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"items":');
    };
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 100 }).request(get()));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('a server that destroys the socket is a network error', async () => {
    handler = (req) => {
      req.socket.destroy();
    };
    const error = await failure(client().request(get()));
    expect(error).toMatchObject({ kind: 'network', service: 'catalog' });
    expect(error.status).toBeUndefined();
  });

  it('a socket closed in the middle of the body is a network error', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"items":', () => req.socket.destroy());
    };
    expect((await failure(client().request(get()))).kind).toBe('network');
  });

  it('connection refused is a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await failure(client({ baseUrl: `http://127.0.0.1:${deadPort}`, service: 'users' }).request(get()));
    expect(error).toMatchObject({ kind: 'network', service: 'users' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('an already aborted signal is a timeout, without reaching the server', async () => {
    let hits = 0;
    handler = (_req, res) => {
      hits++;
      json(res, 200, {});
    };
    const error = await failure(client().request({ ...get(), signal: AbortSignal.abort() }));
    expect(error.kind).toBe('timeout');
    expect(hits).toBe(0);
  });

  it('a signal aborted while waiting for the answer is a timeout', async () => {
    const controller = new AbortController();
    handler = () => controller.abort();
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 2000 }).request({ ...get(), signal: controller.signal }));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('the client still works for later calls after a failure', async () => {
    const c = client({ timeoutMs: 100 });
    handler = (req) => req.socket.destroy();
    expect((await failure(c.request(get()))).kind).toBe('network');
    handler = (_req, res) => json(res, 200, { ok: true });
    expect((await c.request(get())).body).toEqual({ ok: true });
  });
});
