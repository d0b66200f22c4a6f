import type { IncomingMessage } from 'node:http';
import { IdempotencyCache } from './idempotency-cache.js';
import {
  HttpError,
  isJsonObject,
  parseIds,
  parseLimit,
  parseNonNegativeInt,
  readJsonBody,
  requireParam,
  Router,
  sendError,
  sendJson,
  sendNoContent,
  sendNotFound,
  sendRawJson,
} from './json-http.js';
import { isOrderStatus, ORDER_STATUSES } from './models.js';
import type { NewOrderInput, OrderPatch, OrdersStore } from './orders-store.js';

export const DEFAULT_ORDERS_PAGE_LIMIT = 20;
export const MAX_ORDERS_PAGE_LIMIT = 100;
export const DEFAULT_CHANGES_LIMIT = 100;
export const MAX_CHANGES_LIMIT = 1000;
export const MAX_NOTE_LENGTH = 500;
const MAX_NEW_ORDER_ITEMS = 50;
const MAX_ITEM_QUANTITY = 999;

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Accepts `3`, `"3"` and `W/"3"` (clients often send ETag syntax). */
function parseIfMatch(raw: string): number {
  const m = /^\s*(?:W\/)?"?([0-9]{1,15})"?\s*$/.exec(raw);
  if (!m) throw new HttpError(400, 'If-Match must be the order version, e.g. If-Match: 3');
  return Number(m[1]);
}

function checkNote(note: unknown): string {
  if (typeof note !== 'string' || note.length > MAX_NOTE_LENGTH) {
    throw new HttpError(400, `note must be a string of at most ${MAX_NOTE_LENGTH} characters`);
  }
  return note;
}

function checkKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown field "${key}"`);
  }
}

/** Validates a PATCH body; the returned object has a fixed key order so it can serve as a fingerprint. */
function parsePatch(body: unknown): OrderPatch {
  if (!isJsonObject(body)) throw new HttpError(400, 'body must be a JSON object like {"status":"PAID"}');
  checkKeys(body, ['status', 'note']);
  const patch: OrderPatch = {};
  if (body.status !== undefined) {
    if (!isOrderStatus(body.status)) throw new HttpError(400, `status must be one of ${ORDER_STATUSES.join(', ')}`);
    patch.status = body.status;
  }
  // null clears the note: Order.note is nullable and the gateway sends null for "remove my note".
  if (body.note !== undefined) patch.note = body.note === null ? null : checkNote(body.note);
  return patch;
}

function parseNewOrder(body: unknown): NewOrderInput {
  if (!isJsonObject(body)) throw new HttpError(400, 'body must be a JSON object like {"userId":"u1","items":[...]}');
  checkKeys(body, ['userId', 'items', 'note']);
  const { userId, items, note } = body;
  if (typeof userId !== 'string' || userId === '') throw new HttpError(400, 'userId must be a non-empty string');
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_NEW_ORDER_ITEMS) {
    throw new HttpError(400, `items must be an array of 1..${MAX_NEW_ORDER_ITEMS} {productId, quantity}`);
  }
  const parsed: { productId: string; quantity: number }[] = [];
  for (const item of items as unknown[]) {
    if (!isJsonObject(item) || typeof item.productId !== 'string') {
      throw new HttpError(400, 'each item needs a string productId');
    }
    const { quantity } = item;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ITEM_QUANTITY) {
      throw new HttpError(400, `quantity must be an integer 1..${MAX_ITEM_QUANTITY}`);
    }
    parsed.push({ productId: item.productId, quantity });
  }
  return { userId, items: parsed, note: note === undefined || note === null ? null : checkNote(note) };
}

export interface OrdersRouterOptions {
  /** true: a PATCH is applied whoever `X-User-Id` names (no 403), as a backend that trusts the gateway. */
  trustGateway?: boolean;
}

/**
 * Routes of the orders service (contract + the reference-only extras
 * POST /orders, DELETE /orders/:id and the control route POST /__admin/compact).
 */
export function createOrdersRouter(store: OrdersStore, options: OrdersRouterOptions = {}): Router {
  const checkOwner = options.trustGateway !== true;
  const idempotency = new IdempotencyCache();

  return new Router()
    .get('/orders', (_req, res, _param, query) => {
      const params = new URLSearchParams(query);
      const rawIds = params.get('ids');
      const userId = params.get('userId');
      if (rawIds !== null) {
        if (userId !== null) throw new HttpError(400, 'use either ids or userId, not both');
        sendJson(res, 200, { items: store.getMany(parseIds(rawIds)) });
        return;
      }
      if (userId === null || userId === '') throw new HttpError(400, 'userId (or ids) is required');
      const limit = parseLimit(params.get('limit'), DEFAULT_ORDERS_PAGE_LIMIT, MAX_ORDERS_PAGE_LIMIT);
      const cursor = params.get('cursor');
      sendJson(res, 200, store.listByUser(userId, limit, cursor === null || cursor === '' ? undefined : cursor));
    })
    .get('/orders/changes', (_req, res, _param, query) => {
      const params = new URLSearchParams(query);
      const userId = requireParam(params, 'userId');
      const after = parseNonNegativeInt('after', params.get('after'), 0);
      const limit = parseLimit(params.get('limit'), DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT);
      const result = store.changes(userId, after, limit);
      if (result.ok) {
        sendJson(res, 200, { changes: result.changes, hasMore: result.hasMore, latestSeq: result.latestSeq });
      } else {
        sendError(res, 410, 'feed compacted', {
          oldestSeq: result.oldestSeq,
          compactedThroughSeq: result.compactedThroughSeq,
        });
      }
    })
    .get('/orders/:id', (_req, res, id) => {
      const order = store.get(id);
      if (order) sendJson(res, 200, order);
      else sendNotFound(res);
    })
    .patch('/orders/:id', async (req, res, id) => {
      const body = await readJsonBody(req);
      const order = store.get(id);
      if (!order) return sendNotFound(res);
      const caller = singleHeader(req, 'x-user-id') || undefined; // empty header = anonymous
      if (checkOwner && caller !== undefined && caller !== order.userId) return sendError(res, 403, 'forbidden');
      const ifMatch = singleHeader(req, 'if-match');
      if (ifMatch === undefined || ifMatch === '') return sendError(res, 428, 'If-Match header is required');
      const expectedVersion = parseIfMatch(ifMatch);
      const patch = parsePatch(body);

      // Replay is checked before the version: after a successful first attempt
      // the version has moved on, and a retry must still get the first answer.
      const key = singleHeader(req, 'idempotency-key') || undefined;
      const fingerprint = key === undefined ? '' : JSON.stringify([id, patch]);
      if (key !== undefined) {
        const seen = idempotency.lookup(key, fingerprint);
        if (seen.kind === 'replay') return sendRawJson(res, seen.response.status, seen.response.body);
        if (seen.kind === 'conflict') {
          return sendError(res, 422, 'Idempotency-Key was already used for a different request');
        }
      }

      const result = store.update(id, expectedVersion, patch);
      if (!result.ok) {
        if (result.reason === 'not-found') return sendNotFound(res);
        // Not remembered under the key: the client may refetch and retry with a fresh If-Match.
        return sendError(res, 409, 'version mismatch', { currentVersion: result.currentVersion });
      }
      const json = JSON.stringify(result.order);
      if (key !== undefined) idempotency.remember(key, { fingerprint, status: 200, body: json });
      sendRawJson(res, 200, json);
    })
    .post('/orders', async (req, res) => {
      const input = parseNewOrder(await readJsonBody(req));
      const result = store.create(input);
      if (!result.ok) throw new HttpError(400, result.error);
      sendJson(res, 201, result.order);
    })
    .delete('/orders/:id', (_req, res, id) => {
      if (store.delete(id)) sendNoContent(res);
      else sendNotFound(res);
    })
    .post('/__admin/compact', async (req, res) => {
      const body = await readJsonBody(req);
      const upToSeq = isJsonObject(body) ? body.upToSeq : undefined;
      if (typeof upToSeq !== 'number' || !Number.isSafeInteger(upToSeq) || upToSeq < 0) {
        throw new HttpError(400, 'body must be {"upToSeq": <non-negative integer>}');
      }
      sendJson(res, 200, store.compact(upToSeq));
    });
}
