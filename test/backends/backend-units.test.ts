import { describe, expect, it } from 'vitest';
import { FaultInjector, InvalidFaultError, validateFault } from '../../backends/fault-injector.js';
import { OrdersStore } from '../../backends/orders-store.js';
import { recommendationsFor } from '../../backends/recommendations-backend.js';
import { SEED_ORDER_COUNT, seedOrders, seedProducts, seedUsers, totalOf } from '../../backends/seed-data.js';

function pattern(injector: FaultInjector, n: number, method = 'GET'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += injector.next(method) ? 'X' : '.';
  return out;
}

describe('FaultInjector', () => {
  it('spreads a rate evenly and deterministically', () => {
    const f = new FaultInjector();
    f.set({ mode: 'flaky', rate: 0.3 });
    expect(pattern(f, 20)).toBe('...X..X..X...X..X..X');
    f.set({ mode: '500', rate: 0.1 });
    expect(pattern(f, 20)).toBe('.........X.........X');
    f.set({ mode: '500', rate: 1 / 3 });
    expect(pattern(f, 9)).toBe('..X..X..X');
    f.set({ mode: '500' });
    expect(pattern(f, 3)).toBe('XXX');
    f.set({ mode: '500', rate: 0 });
    expect(pattern(f, 3)).toBe('...');
  });

  it('ok never affects requests; clear resets', () => {
    const f = new FaultInjector();
    expect(pattern(f, 3)).toBe('...');
    f.set({ mode: 'hang' });
    f.clear();
    expect(f.current).toEqual({ mode: 'ok' });
    expect(pattern(f, 3)).toBe('...');
  });

  it('a fault with a method affects only that method, and only its requests count toward the rate', () => {
    const f = new FaultInjector();
    f.set({ mode: '503', method: 'PATCH', rate: 0.5 });
    expect(pattern(f, 3, 'GET')).toBe('...');
    expect(pattern(f, 4, 'PATCH')).toBe('.X.X');
    expect(() => validateFault({ mode: '503', method: 'patch' })).toThrow(/method/);
  });

  it('validateFault normalises and rejects bad input', () => {
    expect(validateFault({ mode: 'slow', delayMs: 10 })).toEqual({ mode: 'slow', delayMs: 10 });
    expect(() => validateFault(null)).toThrow(InvalidFaultError);
    expect(() => validateFault({ mode: 'slow', rate: -0.1 })).toThrow(/rate/);
  });
});

describe('seed data', () => {
  it('is deterministic and has the documented sizes', () => {
    const products = seedProducts();
    expect(seedOrders(products)).toEqual(seedOrders(seedProducts()));
    expect([...seedUsers().values()]).toEqual([...seedUsers().values()]);
    expect(seedUsers().size).toBe(50);
    expect(products.size).toBe(500);
    const orders = seedOrders(products);
    expect(orders).toHaveLength(SEED_ORDER_COUNT);
    expect(orders[0]!.id).toBe('o00001');
    expect(orders.at(-1)!.id).toBe('o01500');
    for (const order of orders) {
      expect(order.totalCents).toBe(totalOf(order.items));
      expect(new Set(order.items.map((i) => i.productId)).size).toBe(order.items.length);
      for (const item of order.items) expect(item.unitPriceCents).toBe(products.get(item.productId)!.priceCents);
    }
    const perUser = new Map<string, number>();
    for (const o of orders) perUser.set(o.userId, (perUser.get(o.userId) ?? 0) + 1);
    expect([...perUser.values()].every((n) => n === 30)).toBe(true);
    expect(new Set(orders.map((o) => o.status)).size).toBe(5);
  });

  it('seeds as many users as asked, each with its orders; the default seed is a prefix of a larger one', () => {
    const users = seedUsers(2000);
    expect(users.size).toBe(2000);
    expect(users.get('u2000')).toMatchObject({ id: 'u2000', email: 'u2000@example.com' });
    expect([...users.values()].slice(0, 50)).toEqual([...seedUsers().values()]);
    const orders = seedOrders(seedProducts(), { users: 2000, ordersPerUser: 10 });
    expect(orders).toHaveLength(20_000);
    const perUser = new Map<string, number>();
    for (const o of orders) perUser.set(o.userId, (perUser.get(o.userId) ?? 0) + 1);
    expect(perUser.size).toBe(2000);
    expect([...perUser.values()].every((n) => n === 10)).toBe(true);
  });

  it('pads order ids to the width of a seed of 100,000 orders or more, so string order stays numeric order', () => {
    const orders = seedOrders(seedProducts(), { users: 10_000, ordersPerUser: 10 });
    expect(orders[0]!.id).toBe('o000001');
    expect(orders.at(-1)!.id).toBe('o100000');
    const ids = orders.map((o) => o.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses a seed size that is not a positive integer', () => {
    expect(() => seedUsers(0)).toThrow(RangeError);
    expect(() => seedOrders(seedProducts(), { ordersPerUser: 1.5 })).toThrow(/ordersPerUser/);
  });

  it('recommendations are 50 distinct, stable ids per user', () => {
    expect(recommendationsFor('u1')).toEqual(recommendationsFor('u1'));
    expect(new Set(recommendationsFor('u1')).size).toBe(50);
  });
});

describe('OrdersStore', () => {
  it('compaction clamps to latestSeq and never moves backwards', () => {
    const store = OrdersStore.seeded();
    expect(store.latestSeq).toBe(1500);
    expect(store.compact(9999)).toEqual({ compactedThroughSeq: 1500, latestSeq: 1500 });
    expect(store.compact(10)).toEqual({ compactedThroughSeq: 1500, latestSeq: 1500 });
    expect(store.changes('u1', 1500, 10)).toEqual({ ok: true, changes: [], hasMore: false, latestSeq: 1500 });
    expect(store.changes('u1', 1499, 10)).toMatchObject({ ok: false, oldestSeq: 1501 });
  });

  it('update returns a new object and leaves the previous snapshot untouched', () => {
    const store = OrdersStore.seeded();
    const before = store.get('o00001')!;
    const result = store.update('o00001', 1, { status: 'PAID' });
    expect(result.ok).toBe(true);
    expect(before.version).toBe(1);
    expect(store.get('o00001')!.version).toBe(2);
    expect(store.update('o00001', 1, { status: 'PAID' })).toEqual({ ok: false, reason: 'version-mismatch', currentVersion: 2 });
    expect(store.update('nope', 1, {})).toEqual({ ok: false, reason: 'not-found' });
  });
});
