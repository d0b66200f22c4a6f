/**
 * Wire shapes of the reference backends' REST contract. These are the JSON
 * bodies exactly as they go over the wire, so they double as the store's
 * in-memory representation (no mapping on the hot path).
 */

export interface User {
  id: string;
  name: string;
  email: string;
  avatarUrl: string;
  createdAt: string;
}

export interface Product {
  id: string;
  name: string;
  priceCents: number;
  currency: string;
  imageUrl: string;
  /** 1.0..5.0 with one decimal, or null when the product has no ratings yet. */
  rating: number | null;
}

/** A product review (the reviews backend of docs/adding-a-backend.md). */
export interface Review {
  id: string;
  productId: string;
  /** 1..5. */
  stars: number;
  text: string | null;
}

export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

/**
 * Orders are treated as immutable values: an update creates a new object.
 * That lets a change-feed entry keep a reference to "the order as it was"
 * without copying it.
 */
export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly version: number;
  readonly note: string | null;
  readonly updatedAt: string;
}

export type OrderChange =
  | { readonly seq: number; readonly op: 'upsert'; readonly id: string; readonly order: Order }
  | { readonly seq: number; readonly op: 'delete'; readonly id: string };

/** Type guard for the status enum (request bodies are untrusted). */
export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}
