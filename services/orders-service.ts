import { badBody, type CallContext, createBatchLoader, type EntityCache, expectArrayField, expectEntity, expectObject, fetchBatch, isJsonObject, type ServiceClient, UpstreamError } from '../src/index.js';
import type DataLoader from 'dataloader';
import { ordersListPath } from './backend-paths.js';

export type OrderStatusValue = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface OrderItemRecord {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

/** An order as the orders backend serves it. */
export interface OrderRecord {
  id: string;
  userId: string;
  status: OrderStatusValue;
  items: OrderItemRecord[];
  totalCents: number;
  currency: string;
  version: number;
  note?: string | null;
  updatedAt: string;
}

/** One page of a user's orders, ordered by id. */
export interface OrderPage {
  items: OrderRecord[];
  nextCursor: string | null;
}

export interface OrderChange {
  seq: number;
  op: 'upsert' | 'delete';
  id: string;
  order?: OrderRecord;
}

/** One page of the change feed, ascending `seq`. */
export interface OrderChangePage {
  changes: OrderChange[];
  hasMore: boolean;
  latestSeq: number;
}

export interface OrderPatch {
  status?: OrderStatusValue;
  note?: string | null;
}

/** The outcomes of a PATCH that are answers, not failures. */
export type UpdateOrderResult =
  | { outcome: 'updated'; order: OrderRecord }
  | { outcome: 'conflict'; currentVersion: number | null }
  | { outcome: 'not_found' }
  | { outcome: 'forbidden' }
  | { outcome: 'rejected'; status: number; message: string };

/** Calls to the orders backend (docs/backend-contract.md). */
export interface OrdersService {
  /** Off by default (orders change); when on, updateOrder replaces the cached order. */
  readonly cache: EntityCache<OrderRecord>;
  getOrdersByIds(ids: readonly string[], call: CallContext): Promise<Map<string, OrderRecord>>;
  listOrders(userId: string, limit: number, cursor: string | null, call: CallContext): Promise<OrderPage>;
  /** The user's changes after `after`; a feed compacted past `after` is `feed_compacted`. */
  getChanges(
    userId: string,
    after: number,
    limit: number,
    call: CallContext,
  ): Promise<OrderChangePage | { outcome: 'feed_compacted' }>;
  updateOrder(
    id: string,
    expectedVersion: number,
    patch: OrderPatch,
    idempotencyKey: string | null,
    call: CallContext,
  ): Promise<UpdateOrderResult>;
}

export interface OrdersLoaders {
  order: DataLoader<string, OrderRecord | null>;
}

export function createOrdersService(client: ServiceClient, cache: EntityCache<OrderRecord>): OrdersService {
  const service = client.name;
  return {
    cache,
    getOrdersByIds: (ids, call) => fetchBatch(client, '/orders', ids, call, expectOrder),

    async listOrders(userId, limit, cursor, call) {
      const response = await client.request({ method: 'GET', path: ordersListPath(userId, limit, cursor) }, call);
      const items = expectArrayField(service, response.body, 'items').map((item) => expectOrder(service, item));
      const nextCursor = expectObject(service, response.body, 'response').nextCursor;
      if (nextCursor !== null && nextCursor !== undefined && typeof nextCursor !== 'string') {
        throw badBody(service, 'nextCursor is not a string');
      }
      return { items, nextCursor: nextCursor ?? null };
    },

    async getChanges(userId, after, limit, call) {
      const response = await client.request(
        {
          method: 'GET',
          path: `/orders/changes?userId=${encodeURIComponent(userId)}&after=${after}&limit=${limit}`,
          acceptStatuses: [410],
        },
        call,
      );
      if (response.status === 410) return { outcome: 'feed_compacted' };
      const body = expectObject(service, response.body, 'change feed');
      const changes = expectArrayField(service, body, 'changes').map((change) => expectChange(service, change));
      if (typeof body.hasMore !== 'boolean' || typeof body.latestSeq !== 'number') {
        throw badBody(service, 'change feed has no hasMore/latestSeq');
      }
      return { changes, hasMore: body.hasMore, latestSeq: body.latestSeq };
    },

    async updateOrder(id, expectedVersion, patch, idempotencyKey, call) {
      const headers: Record<string, string> = { 'if-match': String(expectedVersion) };
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      const response = await client.request(
        {
          method: 'PATCH',
          path: `/orders/${encodeURIComponent(id)}`,
          headers,
          body: patch,
          acceptStatuses: [400, 403, 404, 409, 422],
        },
        call,
      );
      switch (response.status) {
        case 404:
          return { outcome: 'not_found' };
        case 403:
          return { outcome: 'forbidden' };
        case 409: {
          const current = isJsonObject(response.body) ? response.body.currentVersion : undefined;
          return { outcome: 'conflict', currentVersion: typeof current === 'number' ? current : null };
        }
        case 400:
        case 422: {
          const message = isJsonObject(response.body) && typeof response.body.error === 'string' ? response.body.error : 'rejected';
          return { outcome: 'rejected', status: response.status, message };
        }
        default: {
          const order = expectOrder(service, response.body);
          // Never serve an order older than the version a mutation just returned.
          await cache.put(order.id, order);
          return { outcome: 'updated', order };
        }
      }
    },
  };
}

/** Per-request loaders of the orders backend. */
export function createOrdersLoaders(service: OrdersService, client: ServiceClient, call: CallContext): OrdersLoaders {
  return {
    order: createBatchLoader({
      maxBatchSize: client.settings.maxBatchSize,
      fetchMany: (ids) => service.getOrdersByIds(ids, call),
      cache: service.cache,
      stale: call.stale,
      onBatch: client.onBatch,
    }),
  };
}

// Private:

function expectOrder(service: string, value: unknown): OrderRecord {
  const order = expectEntity<OrderRecord>(service, value);
  if (typeof order.userId !== 'string' || !Array.isArray(order.items)) {
    throw badBody(service, 'an order has no userId or items');
  }
  // Items feed other loaders (productId → catalog): a broken one must fail here, as the
  // backend's fault, not later as a TypeError in a resolver.
  for (const item of order.items as unknown[]) {
    if (!isJsonObject(item) || typeof item.productId !== 'string' || typeof item.quantity !== 'number' || typeof item.unitPriceCents !== 'number') {
      throw badBody(service, 'an order item has no productId, quantity or unitPriceCents');
    }
  }
  return order;
}

function expectChange(service: string, value: unknown): OrderChange {
  if (!isJsonObject(value) || typeof value.seq !== 'number' || typeof value.id !== 'string') {
    throw badBody(service, 'a change has no seq or id');
  }
  if (value.op === 'delete') return { seq: value.seq, op: 'delete', id: value.id };
  if (value.op === 'upsert') return { seq: value.seq, op: 'upsert', id: value.id, order: expectOrder(service, value.order) };
  throw new UpstreamError({ kind: 'bad_body', service, message: `${service} sent a change with an unknown op` });
}
