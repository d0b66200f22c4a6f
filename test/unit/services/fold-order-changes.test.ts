import { describe, expect, it } from 'vitest';
import type { OrderChange, OrderRecord } from '../../../services/orders-service.js';
import { foldOrderChanges } from '../../../services/fold-order-changes.js';

function order(id: string, version: number, extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id,
    userId: 'u1',
    status: 'PENDING',
    items: [],
    totalCents: 100 * version,
    currency: 'EUR',
    version,
    updatedAt: `2024-01-01T00:00:0${version}Z`,
    ...extra,
  };
}

let seq = 0;
const upsert = (o: OrderRecord): OrderChange => ({ seq: ++seq, op: 'upsert', id: o.id, order: o });
const del = (id: string): OrderChange => ({ seq: ++seq, op: 'delete', id });

describe('foldOrderChanges', () => {
  it('an empty page folds to nothing', () => {
    expect(foldOrderChanges([])).toEqual({ changed: [], deletedIds: [] });
  });

  it('keeps single changes as they are', () => {
    const a = order('o1', 1);
    expect(foldOrderChanges([upsert(a), del('o2')])).toEqual({ changed: [a], deletedIds: ['o2'] });
  });

  it('the last change of an order wins: changed twice appears once, in its latest version', () => {
    const v1 = order('o1', 1);
    const v2 = order('o1', 2);
    const v3 = order('o1', 3, { note: 'latest' });
    const result = foldOrderChanges([upsert(v1), upsert(v2), upsert(v3)]);
    expect(result.changed).toHaveLength(1);
    expect(result.changed[0]).toBe(v3);
    expect(result.deletedIds).toEqual([]);
  });

  it('an order created and deleted in one page is only in deletedIds', () => {
    const result = foldOrderChanges([upsert(order('o1', 1)), upsert(order('o1', 2)), del('o1')]);
    expect(result).toEqual({ changed: [], deletedIds: ['o1'] });
  });

  it('an order deleted then re-created is only in changed, in the re-created version', () => {
    const again = order('o1', 5);
    const result = foldOrderChanges([upsert(order('o1', 4)), del('o1'), upsert(again)]);
    expect(result).toEqual({ changed: [again], deletedIds: [] });
  });

  it('a repeated delete is listed once', () => {
    expect(foldOrderChanges([del('o1'), del('o1')])).toEqual({ changed: [], deletedIds: ['o1'] });
  });

  it("orders the output by each order's latest change, not its first", () => {
    const a1 = order('a', 1);
    const b1 = order('b', 1);
    const c1 = order('c', 1);
    const a2 = order('a', 2);
    // Latest changes: b (seq 2), c (seq 3), a (seq 4).
    const result = foldOrderChanges([upsert(a1), upsert(b1), upsert(c1), upsert(a2)]);
    expect(result.changed.map((o) => [o.id, o.version])).toEqual([
      ['b', 1],
      ['c', 1],
      ['a', 2],
    ]);
  });

  it('orders deletedIds by latest change too, independently of changed', () => {
    const x = order('x', 1);
    const result = foldOrderChanges([del('d1'), upsert(order('d2', 1)), del('d3'), upsert(x), del('d2'), del('d1')]);
    expect(result.deletedIds).toEqual(['d3', 'd2', 'd1']);
    expect(result.changed).toEqual([x]);
  });

  it('does not mutate its input', () => {
    const changes = [upsert(order('o1', 1)), del('o1')];
    const copy = structuredClone(changes);
    foldOrderChanges(changes);
    expect(changes).toEqual(copy);
  });
});
