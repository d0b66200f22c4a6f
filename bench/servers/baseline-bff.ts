/**
 * Child process: the hand-written fan-out BFF, "what a careful team writes by
 * hand" — the ceiling the gateway is compared with. node:http, one undici Pool
 * per backend, the same backend endpoints as the gateway (users batch, orders
 * list, one catalog batch for every product of the screen, recommendations),
 * the same JWT check (jose, HS256), TTL caches for products, users and
 * recommendation lists, X-Request-ID / X-User-Id forwarded. It answers the
 * benchmark's two operations, recognised by their operationName, with the same
 * JSON as the gateway. Pool sizes, call timeouts, fresh TTLs and the body limit
 * are the gateway's own (baseline-settings.ts), so both serve the same share from
 * memory and wait as long for a backend.
 *
 * Deliberately missing, as in most hand-written code: retries, a circuit
 * breaker, a request deadline, metrics, logs. A backend call simply times out
 * after the gateway's per-call timeout (undici's headers/body timeouts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { Pool } from 'undici';
import type { ServiceName } from '../../app/gateway-app.js';
import { ordersListPath, recommendationsPath } from '../../services/backend-paths.js';
import type { ProductRecord } from '../../services/records.js';
import { HOME_OPERATION, HOME_ORDERS_FIRST, HOME_RECOMMENDATIONS_FIRST, PRODUCT_OPERATION } from '../load/queries.js';
import { readBaselineSettings } from './baseline-settings.js';
import { runChild } from './child-protocol.js';
import { TtlCache } from './ttl-cache.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const USER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The catalog's product, as the backend contract gives it. */
type Product = ProductRecord;
interface User {
  id: string;
  name: string;
  avatarUrl: string | null;
}
interface Order {
  id: string;
  status: string;
  totalCents: number;
  currency: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
}
interface GraphQLErrorJson {
  message: string;
  path: (string | number)[];
  extensions: Record<string, unknown>;
}
type Result = { data: Record<string, unknown>; errors?: GraphQLErrorJson[] };

/** A failed backend call, as the error of the field it served. */
class BackendError extends Error {
  constructor(
    readonly service: string,
    readonly code: 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR' | 'SERVICE_UNAVAILABLE',
  ) {
    super(code === 'UPSTREAM_TIMEOUT' ? `${service} did not answer in time` : `${service} failed to answer`);
  }
}

runChild(async () => {
  const env = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new Error(`${name} is required`);
    return value;
  };
  const key = new TextEncoder().encode(env('JWT_SECRET'));
  const { backends, maxBodyBytes } = readBaselineSettings(process.env);
  const pool = (name: ServiceName) => new Pool(backends[name].url, { connections: backends[name].connections });
  const pools: Record<ServiceName, Pool> = { users: pool('users'), catalog: pool('catalog'), orders: pool('orders'), recommendations: pool('recommendations') };
  const products = new TtlCache<Product>(backends.catalog.freshMs);
  const users = new TtlCache<User>(backends.users.freshMs);
  const recommendations = new TtlCache<string[]>(backends.recommendations.freshMs);

  async function getJson(service: ServiceName, path: string, requestId: string, viewerId: string | null): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': requestId };
    if (viewerId !== null) headers['x-user-id'] = viewerId;
    const timeoutMs = backends[service].timeoutMs;
    let response;
    try {
      response = await pools[service].request({ method: 'GET', path, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new BackendError(service, code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'UPSTREAM_TIMEOUT' : 'SERVICE_UNAVAILABLE');
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new BackendError(service, response.statusCode === 503 || response.statusCode === 429 ? 'SERVICE_UNAVAILABLE' : 'UPSTREAM_ERROR');
    }
    try {
      return await response.body.json();
    } catch {
      throw new BackendError(service, 'UPSTREAM_ERROR');
    }
  }

  /** Cached products, and one catalog call for all the others. */
  async function loadProducts(ids: Iterable<string>, requestId: string, viewerId: string | null): Promise<Map<string, Product>> {
    const now = Date.now();
    const found = new Map<string, Product>();
    const missing = new Set<string>();
    for (const id of ids) {
      if (found.has(id) || missing.has(id)) continue;
      const product = products.get(id, now);
      if (product === undefined) missing.add(id);
      else found.set(id, product);
    }
    if (missing.size === 0) return found;
    // The lookup of the catalog's @connect fields (schema/catalog.graphql).
    const body = (await getJson('catalog', `/products?ids=${[...missing].map(encodeURIComponent).join(',')}`, requestId, viewerId)) as { items: Product[] };
    const fetchedAt = Date.now();
    for (const product of body.items) {
      products.set(product.id, product, fetchedAt);
      found.set(product.id, product);
    }
    return found;
  }

  async function loadUser(id: string, requestId: string): Promise<User | null> {
    const cached = users.get(id, Date.now());
    if (cached !== undefined) return cached;
    // The lookup of Query.viewer's @connect (schema/user.graphql).
    const body = (await getJson('users', `/users?ids=${encodeURIComponent(id)}`, requestId, id)) as { items: User[] };
    const user = body.items.find((u) => u.id === id) ?? null;
    if (user !== null) users.set(id, user, Date.now());
    return user;
  }

  async function loadRecommendations(userId: string, requestId: string): Promise<string[]> {
    const cacheKey = `${userId}:${HOME_RECOMMENDATIONS_FIRST}`;
    const cached = recommendations.get(cacheKey, Date.now());
    if (cached !== undefined) return cached;
    const body = (await getJson('recommendations', recommendationsPath(userId, HOME_RECOMMENDATIONS_FIRST), requestId, userId)) as { productIds: string[] };
    recommendations.set(cacheKey, body.productIds, Date.now());
    return body.productIds;
  }

  async function home(viewerId: string | null, requestId: string): Promise<Result> {
    if (viewerId === null) {
      return {
        data: { viewer: null, recommendations: null },
        errors: [unauthenticated('viewer'), unauthenticated('recommendations')],
      };
    }
    // The three independent calls in parallel; products once the ids are known.
    const [user, orders, recommended] = await Promise.allSettled([
      loadUser(viewerId, requestId),
      getJson('orders', ordersListPath(viewerId, HOME_ORDERS_FIRST), requestId, viewerId).then((body) => (body as { items: Order[] }).items),
      loadRecommendations(viewerId, requestId),
    ]);
    const errors: GraphQLErrorJson[] = [];
    const productIds: string[] = [];
    if (orders.status === 'fulfilled') for (const order of orders.value) for (const item of order.items) productIds.push(item.productId);
    if (recommended.status === 'fulfilled') productIds.push(...recommended.value);
    let catalog: Map<string, Product> | BackendError;
    try {
      catalog = await loadProducts(productIds, requestId, viewerId);
    } catch (error) {
      catalog = toBackendError(error);
    }

    let viewer: Record<string, unknown> | null = null;
    if (user.status === 'rejected') errors.push(fieldError(['viewer'], toBackendError(user.reason)));
    else if (user.value !== null && orders.status === 'rejected') errors.push(fieldError(['viewer', 'orders'], toBackendError(orders.reason)));
    else if (user.value !== null && orders.status === 'fulfilled') {
      const nodes = orders.value.map((order, i) => ({
        id: order.id,
        status: order.status,
        totalCents: order.totalCents,
        currency: order.currency,
        items: order.items.map((item, j) => {
          let product: Record<string, unknown> | null = null;
          if (catalog instanceof BackendError) errors.push(fieldError(['viewer', 'orders', 'nodes', i, 'items', j, 'product'], catalog));
          else product = productCard(catalog.get(item.productId));
          return { quantity: item.quantity, unitPriceCents: item.unitPriceCents, product };
        }),
      }));
      viewer = { id: user.value.id, name: user.value.name, avatarUrl: user.value.avatarUrl ?? null, orders: { nodes } };
    }

    let recommendationsList: Record<string, unknown>[] | null = null;
    if (recommended.status === 'rejected') errors.push(fieldError(['recommendations'], toBackendError(recommended.reason)));
    else if (catalog instanceof BackendError) errors.push(fieldError(['recommendations'], catalog));
    else {
      // As the gateway does: products the catalog no longer knows are dropped.
      recommendationsList = [];
      for (const id of recommended.value) {
        const card = productCard(catalog.get(id));
        if (card !== null) recommendationsList.push(card);
      }
    }
    const result: Result = { data: { viewer, recommendations: recommendationsList } };
    if (errors.length > 0) result.errors = errors;
    return result;
  }

  async function product(id: unknown, viewerId: string | null, requestId: string): Promise<Result> {
    if (typeof id !== 'string') throw new HttpError(400, 'Variable "$id" of required type "ID!" was not provided.');
    try {
      const found = (await loadProducts([id], requestId, viewerId)).get(id);
      const data =
        found === undefined
          ? null
          : { id: found.id, name: found.name, priceCents: found.priceCents, currency: found.currency, rating: found.rating ?? null };
      return { data: { product: data } };
    } catch (error) {
      return { data: { product: null }, errors: [fieldError(['product'], toBackendError(error))] };
    }
  }

  async function viewerOf(authorization: string | undefined): Promise<string | null> {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return null;
    try {
      const { payload } = await jwtVerify(authorization.slice(7).trim(), key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      return typeof payload.sub === 'string' && USER_ID.test(payload.sub) ? payload.sub : null;
    } catch {
      return null;
    }
  }

  async function answer(req: IncomingMessage, body: string, requestId: string): Promise<Result> {
    let operationName: unknown;
    let variables: unknown;
    try {
      ({ operationName, variables } = JSON.parse(body) as { operationName?: unknown; variables?: unknown });
    } catch {
      throw new HttpError(400, 'POST body is not JSON');
    }
    const viewerId = await viewerOf(req.headers.authorization);
    if (operationName === HOME_OPERATION) return home(viewerId, requestId);
    if (operationName === PRODUCT_OPERATION) return product((variables as { id?: unknown } | null)?.id, viewerId, requestId);
    throw new HttpError(400, `This BFF only knows the operations ${HOME_OPERATION} and ${PRODUCT_OPERATION}`);
  }

  const server = createServer((req, res) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    if (req.method !== 'POST' || req.url !== '/graphql') {
      send(res, requestId, 404, { errors: [{ message: 'Not found' }] });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) {
        send(res, requestId, 413, { errors: [{ message: 'Request body too large' }] });
        return;
      }
      answer(req, Buffer.concat(chunks).toString('utf8'), requestId).then(
        (result) => send(res, requestId, 200, result),
        (error: unknown) => {
          if (error instanceof HttpError) send(res, requestId, error.status, { errors: [{ message: error.message }] });
          else send(res, requestId, 500, { errors: [{ message: 'Unexpected error.' }] });
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { info: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, requestId: string, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-request-id': requestId,
  });
  res.end(json);
}

function productCard(product: Product | undefined): Record<string, unknown> | null {
  if (product === undefined) return null;
  return { id: product.id, name: product.name, priceCents: product.priceCents, imageUrl: product.imageUrl ?? null };
}

function toBackendError(error: unknown): BackendError {
  return error instanceof BackendError ? error : new BackendError('unknown', 'UPSTREAM_ERROR');
}

/** The gateway's error contract: code, service, retryable, retryAfter. */
function fieldError(path: (string | number)[], error: BackendError): GraphQLErrorJson {
  return { message: error.message, path, extensions: { code: error.code, service: error.service, retryable: true, retryAfter: 1 } };
}

function unauthenticated(field: string): GraphQLErrorJson {
  return { message: 'Sign in to see this', path: [field], extensions: { code: 'UNAUTHENTICATED' } };
}
