import type { Order, OrderItem, OrderStatus, Product, User } from './models.js';

/**
 * Deterministic seed data. Every call returns freshly built objects, so each
 * backend instance owns its data and tests that mutate orders cannot see each
 * other's writes.
 */

/** Users of the default seed (tests, `npm start`, `npm run backends`); the benchmark asks for more. */
export const SEED_USER_COUNT = 50;
export const SEED_PRODUCT_COUNT = 500;
export const SEED_ORDERS_PER_USER = 30;
export const SEED_ORDER_COUNT = SEED_USER_COUNT * SEED_ORDERS_PER_USER;

/** How many users (u1…uN) and orders per user a seed holds; the defaults are the documented seed. */
export interface SeedSize {
  users?: number;
  ordersPerUser?: number;
}

/** mulberry32: tiny, fast, good-enough PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit: turns a string (e.g. a user id) into a PRNG seed. */
export function hashString(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Integer in [min, max] (inclusive). */
function randInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  // Non-empty constant lists only, so the index is always in range.
  return list[Math.floor(rand() * list.length)] as T;
}

/**
 * `o` + zero-padded number (5 digits, more for a seed of 100,000 orders or more), so
 * string order equals numeric order within a seed and for the orders created after it.
 */
export function orderIdFor(n: number, digits = 5): string {
  return 'o' + String(n).padStart(digits, '0');
}

export function userIdFor(n: number): string {
  return 'u' + n;
}

export function productIdFor(n: number): string {
  return 'p' + n;
}

const FIRST_NAMES = [
  'Ada', 'Ben', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ivo', 'Jonas',
  'Kemal', 'Lena', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq',
] as const;
const LAST_NAMES = [
  'Andersen', 'Bauer', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Horvat', 'Ivanova', 'Jensen',
  'Kowalski', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Weber',
] as const;

const ADJECTIVES = [
  'Ergonomic', 'Rustic', 'Sleek', 'Compact', 'Vintage', 'Handmade', 'Smart', 'Durable', 'Lightweight', 'Premium',
] as const;
const MATERIALS = ['Steel', 'Oak', 'Cotton', 'Leather', 'Ceramic', 'Bamboo', 'Glass', 'Wool', 'Copper', 'Linen'] as const;
const NOUNS = [
  'Chair', 'Lamp', 'Backpack', 'Mug', 'Desk', 'Blanket', 'Headphones', 'Kettle', 'Notebook', 'Sneakers',
  'Watch', 'Shelf', 'Jacket', 'Vase', 'Speaker',
] as const;

const NOTES = ['Leave at the door', 'Gift wrap please', 'Call before delivery', 'Fragile', 'Deliver after 6pm'] as const;

/** Weighted towards settled orders, like a real order history. */
const STATUS_WEIGHTS: readonly (readonly [OrderStatus, number])[] = [
  ['PENDING', 0.1],
  ['PAID', 0.15],
  ['SHIPPED', 0.15],
  ['DELIVERED', 0.5],
  ['CANCELLED', 0.1],
];

function pickStatus(rand: () => number): OrderStatus {
  let r = rand();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (r < weight) return status;
    r -= weight;
  }
  return 'DELIVERED';
}

const USERS_CREATED_FROM = Date.UTC(2023, 0, 1);
const ORDERS_UPDATED_FROM = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Users u1…u50 (u1…uN for `count`: a prefix of a larger seed is the smaller seed). */
export function seedUsers(count = SEED_USER_COUNT): Map<string, User> {
  checkCount('users', count);
  const rand = mulberry32(0x05e75);
  const users = new Map<string, User>();
  for (let n = 1; n <= count; n++) {
    const id = userIdFor(n);
    users.set(id, {
      id,
      name: `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`,
      email: `${id}@example.com`,
      avatarUrl: `https://cdn.example.com/avatars/${id}.png`,
      createdAt: new Date(USERS_CREATED_FROM + (n - 1) * DAY_MS).toISOString(),
    });
  }
  return users;
}

/** Products p1…p500, EUR prices 100..20000 cents, ~10% without a rating. */
export function seedProducts(): Map<string, Product> {
  const rand = mulberry32(0xca7a1);
  const products = new Map<string, Product>();
  for (let n = 1; n <= SEED_PRODUCT_COUNT; n++) {
    const id = productIdFor(n);
    const name = `${pick(rand, ADJECTIVES)} ${pick(rand, MATERIALS)} ${pick(rand, NOUNS)}`;
    const priceCents = randInt(rand, 100, 20_000);
    const rating = rand() < 0.1 ? null : randInt(rand, 10, 50) / 10;
    products.set(id, {
      id,
      name,
      priceCents,
      currency: 'EUR',
      imageUrl: `https://cdn.example.com/products/${id}.jpg`,
      rating,
    });
  }
  return products;
}

/**
 * 30 orders per user, 1500 in total, ids o00001…o01500 (`size`: ordersPerUser × users).
 * Users are interleaved (o00001 → u1, o00002 → u2, …) so a user's orders are spread
 * over the global id sequence, as in a real system, and paging must honour the cursor.
 */
export function seedOrders(products: ReadonlyMap<string, Product>, size: SeedSize = {}): Order[] {
  const userCount = size.users ?? SEED_USER_COUNT;
  const ordersPerUser = size.ordersPerUser ?? SEED_ORDERS_PER_USER;
  checkCount('users', userCount);
  checkCount('ordersPerUser', ordersPerUser);
  const orderCount = userCount * ordersPerUser;
  const digits = Math.max(5, String(orderCount).length);
  const rand = mulberry32(0x0a0e5);
  const orders: Order[] = [];
  for (let n = 1; n <= orderCount; n++) {
    const itemCount = randInt(rand, 1, 4);
    const items: OrderItem[] = [];
    const used = new Set<string>();
    while (items.length < itemCount) {
      const productId = productIdFor(randInt(rand, 1, SEED_PRODUCT_COUNT));
      if (used.has(productId)) continue;
      used.add(productId);
      const product = products.get(productId);
      if (!product) throw new Error(`seed: unknown product ${productId}`);
      items.push({ productId, quantity: randInt(rand, 1, 3), unitPriceCents: product.priceCents });
    }
    const status = pickStatus(rand);
    const note = rand() < 0.2 ? pick(rand, NOTES) : null;
    orders.push({
      id: orderIdFor(n, digits),
      userId: userIdFor(((n - 1) % userCount) + 1),
      status,
      items,
      totalCents: totalOf(items),
      currency: 'EUR',
      version: 1,
      note,
      updatedAt: new Date(ORDERS_UPDATED_FROM + n * HOUR_MS).toISOString(),
    });
  }
  return orders;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 1_000_000) throw new RangeError(`seed: ${name} must be an integer from 1 to 1000000, got ${value}`);
}

/** Sum of quantity × unit price. */
export function totalOf(items: readonly OrderItem[]): number {
  let total = 0;
  for (const item of items) total += item.quantity * item.unitPriceCents;
  return total;
}
