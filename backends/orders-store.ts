import type { Order, OrderChange, OrderItem, OrderStatus, Product } from './models.js';
import { orderIdFor, seedOrders, seedProducts, totalOf, type SeedSize } from './seed-data.js';

export interface OrderPage {
  items: Order[];
  nextCursor: string | null;
}

export type ChangesResult =
  | { ok: true; changes: OrderChange[]; hasMore: boolean; latestSeq: number }
  /** `after` is older than the retained feed: the client must resync from scratch. */
  | { ok: false; reason: 'compacted'; oldestSeq: number; compactedThroughSeq: number };

export interface OrderPatch {
  status?: OrderStatus;
  /** null clears the note. */
  note?: string | null;
}

export type UpdateResult =
  | { ok: true; order: Order }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'version-mismatch'; currentVersion: number };

export interface NewOrderInput {
  userId: string;
  items: readonly { productId: string; quantity: number }[];
  note?: string | null;
}

export type CreateResult = { ok: true; order: Order } | { ok: false; error: string };

/** Index of the first element of the ascending array `arr` whose key is > `key`. */
function upperBound<T, K>(arr: readonly T[], key: K, keyOf: (item: T) => K): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(arr[mid] as T) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const idOf = (id: string): string => id;
const seqOf = (change: OrderChange): number => change.seq;

/**
 * In-memory order store with a per-user change feed. One instance per backend
 * (never a module singleton) so parallel tests get independent data.
 *
 * Everything the HTTP layer reads on the hot path is pre-indexed: ids per user
 * are kept sorted (new ids are always the largest, so appends keep them
 * sorted) and feed entries per user are kept in seq order, so list/changes
 * queries are a binary search plus a slice.
 */
export class OrdersStore {
  private readonly orders = new Map<string, Order>();
  /** userId → that user's order ids, ascending. */
  private readonly idsByUser = new Map<string, string[]>();
  /** userId → that user's change-feed entries, ascending seq. */
  private readonly feedByUser = new Map<string, OrderChange[]>();
  private readonly products: ReadonlyMap<string, Product>;
  private seq = 0;
  /** Entries with seq ≤ this were dropped by compact(). */
  private compactedThrough = 0;
  private nextOrderNumber: number;

  /**
   * @param products catalog used to price new orders
   * @param orders initial orders, ascending id; each gets one upsert in the feed
   */
  constructor(products: ReadonlyMap<string, Product>, orders: readonly Order[]) {
    this.products = products;
    let maxNumber = 0;
    for (const order of orders) {
      this.insert(order);
      this.append(order.userId, { seq: ++this.seq, op: 'upsert', id: order.id, order });
      const n = Number(order.id.slice(1));
      if (Number.isInteger(n) && n > maxNumber) maxNumber = n;
    }
    this.nextOrderNumber = maxNumber + 1;
  }

  /** A store holding the deterministic seed (1500 orders, feed seq 1…1500; `size` for a larger one). */
  static seeded(size: SeedSize = {}): OrdersStore {
    const products = seedProducts();
    return new OrdersStore(products, seedOrders(products, size));
  }

  /** Highest seq ever appended to the feed (0 when empty). */
  get latestSeq(): number {
    return this.seq;
  }

  get size(): number {
    return this.orders.size;
  }

  get(id: string): Order | undefined {
    return this.orders.get(id);
  }

  /** Known orders among `ids`, in request order; unknown ids are omitted. */
  getMany(ids: readonly string[]): Order[] {
    const out: Order[] = [];
    for (const id of ids) {
      const order = this.orders.get(id);
      if (order) out.push(order);
    }
    return out;
  }

  /** A page of a user's orders with id > cursor, ascending id. */
  listByUser(userId: string, limit: number, cursor?: string): OrderPage {
    const ids = this.idsByUser.get(userId);
    if (!ids) return { items: [], nextCursor: null };
    const start = cursor === undefined ? 0 : upperBound(ids, cursor, idOf);
    const end = Math.min(start + limit, ids.length);
    const items: Order[] = [];
    for (let i = start; i < end; i++) items.push(this.orders.get(ids[i] as string) as Order);
    const last = items[items.length - 1];
    return { items, nextCursor: end < ids.length && last ? last.id : null };
  }

  /** A user's feed entries with seq > after, ascending, at most `limit`. */
  changes(userId: string, after: number, limit: number): ChangesResult {
    if (after < this.compactedThrough) {
      return {
        ok: false,
        reason: 'compacted',
        oldestSeq: this.compactedThrough + 1,
        compactedThroughSeq: this.compactedThrough,
      };
    }
    const feed = this.feedByUser.get(userId);
    if (!feed) return { ok: true, changes: [], hasMore: false, latestSeq: this.seq };
    const start = upperBound(feed, after, seqOf);
    const end = Math.min(start + limit, feed.length);
    return { ok: true, changes: feed.slice(start, end), hasMore: end < feed.length, latestSeq: this.seq };
  }

  /** Creates an order (status PENDING, version 1) priced from the catalog. */
  create(input: NewOrderInput): CreateResult {
    const items: OrderItem[] = [];
    for (const { productId, quantity } of input.items) {
      const product = this.products.get(productId);
      if (!product) return { ok: false, error: `unknown productId ${productId}` };
      items.push({ productId, quantity, unitPriceCents: product.priceCents });
    }
    const order: Order = {
      id: orderIdFor(this.nextOrderNumber++),
      userId: input.userId,
      status: 'PENDING',
      items,
      totalCents: totalOf(items),
      currency: 'EUR',
      version: 1,
      note: input.note ?? null,
      updatedAt: new Date().toISOString(),
    };
    this.insert(order);
    this.append(order.userId, { seq: ++this.seq, op: 'upsert', id: order.id, order });
    return { ok: true, order };
  }

  /** Optimistic-concurrency update: applies `patch` only if the version matches. */
  update(id: string, expectedVersion: number, patch: OrderPatch): UpdateResult {
    const current = this.orders.get(id);
    if (!current) return { ok: false, reason: 'not-found' };
    if (current.version !== expectedVersion) {
      return { ok: false, reason: 'version-mismatch', currentVersion: current.version };
    }
    const order: Order = {
      ...current,
      status: patch.status ?? current.status,
      note: patch.note !== undefined ? patch.note : current.note,
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    };
    this.orders.set(id, order);
    this.append(order.userId, { seq: ++this.seq, op: 'upsert', id, order });
    return { ok: true, order };
  }

  /** Removes an order and records a `delete` change; false when unknown. */
  delete(id: string): boolean {
    const order = this.orders.get(id);
    if (!order) return false;
    this.orders.delete(id);
    const ids = this.idsByUser.get(order.userId);
    if (ids) {
      const at = upperBound(ids, id, idOf) - 1;
      if (at >= 0 && ids[at] === id) ids.splice(at, 1);
    }
    this.append(order.userId, { seq: ++this.seq, op: 'delete', id });
    return true;
  }

  /**
   * Drops feed entries with seq ≤ upToSeq (clamped to latestSeq; never moves
   * backwards). Afterwards `changes(after < compactedThrough)` is refused.
   */
  compact(upToSeq: number): { compactedThroughSeq: number; latestSeq: number } {
    const target = Math.min(upToSeq, this.seq);
    if (target > this.compactedThrough) {
      this.compactedThrough = target;
      for (const feed of this.feedByUser.values()) {
        const cut = upperBound(feed, target, seqOf);
        if (cut > 0) feed.splice(0, cut);
      }
    }
    return { compactedThroughSeq: this.compactedThrough, latestSeq: this.seq };
  }

  private insert(order: Order): void {
    this.orders.set(order.id, order);
    let ids = this.idsByUser.get(order.userId);
    if (!ids) this.idsByUser.set(order.userId, (ids = []));
    const last = ids[ids.length - 1];
    if (last === undefined || last < order.id) ids.push(order.id);
    else ids.splice(upperBound(ids, order.id, idOf), 0, order.id); // only for unsorted seeds
  }

  private append(userId: string, change: OrderChange): void {
    let feed = this.feedByUser.get(userId);
    if (!feed) this.feedByUser.set(userId, (feed = []));
    feed.push(change);
  }
}
