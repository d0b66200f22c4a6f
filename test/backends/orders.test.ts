import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReferenceBackend,
  startReferenceBackends,
  type ReferenceBackend,
  type ReferenceBackends,
} from '../../backends/start-reference-backends.js';
import { requestJson, sendJsonBody } from './http-helpers.js';

interface Order {
  id: string;
  userId: string;
  status: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  version: number;
  note?: string | null;
  updatedAt: string;
}

let backends: ReferenceBackends;
let orders: string;

beforeAll(async () => {
  backends = await startReferenceBackends();
  orders = backends.urls.orders;
});

afterAll(async () => {
  await backends.close();
});

const latestSeq = async (): Promise<number> =>
  (await requestJson(`${orders}/orders/changes?userId=nobody&after=0`)).body.latestSeq;

const patch = (id: string, body: unknown, headers: Record<string, string>) =>
  sendJsonBody(`${orders}/orders/${id}`, 'PATCH', body, headers);

describe('orders: reads', () => {
  it('GET /orders/:id returns a well-formed order', async () => {
    const res = await requestJson<Order>(`${orders}/orders/o00001`);
    expect(res.status).toBe(200);
    const order = res.body;
    expect(order).toMatchObject({ id: 'o00001', userId: 'u1', currency: 'EUR', version: 1 });
    expect(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']).toContain(order.status);
    expect(order.items.length).toBeGreaterThanOrEqual(1);
    expect(order.items.length).toBeLessThanOrEqual(4);
    expect(order.totalCents).toBe(order.items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0));
    expect(new Date(order.updatedAt).toISOString()).toBe(order.updatedAt);
  });

  it('unit prices match the catalog', async () => {
    const order = (await requestJson<Order>(`${orders}/orders/o00002`)).body;
    const ids = order.items.map((i) => i.productId).join(',');
    const products = (await requestJson(`${backends.urls.catalog}/products?ids=${ids}`)).body.items;
    for (const item of order.items) {
      expect(item.quantity).toBeGreaterThanOrEqual(1);
      expect(item.quantity).toBeLessThanOrEqual(3);
      expect(item.unitPriceCents).toBe(products.find((p: { id: string }) => p.id === item.productId).priceCents);
    }
  });

  it('GET /orders/:id is 404 for an unknown order', async () => {
    expect((await requestJson(`${orders}/orders/o99999`)).status).toBe(404);
  });

  it('GET /orders?ids= omits unknown ids and keeps request order', async () => {
    const res = await requestJson(`${orders}/orders?ids=o01500,zzz,o00001`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: Order) => o.id)).toEqual(['o01500', 'o00001']);
  });

  it('pages through a user\'s 30 orders with cursor/nextCursor, ordered by id', async () => {
    const seen: Order[] = [];
    let cursor: string | null = null;
    const pageSizes: number[] = [];
    do {
      const query: string = `userId=u2&limit=12${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await requestJson(`${orders}/orders?${query}`);
      expect(res.status).toBe(200);
      pageSizes.push(res.body.items.length);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (cursor !== null) expect(cursor).toBe(res.body.items.at(-1).id);
    } while (cursor !== null);
    expect(pageSizes).toEqual([12, 12, 6]);
    expect(seen).toHaveLength(30);
    expect(seen.every((o) => o.userId === 'u2')).toBe(true);
    const ids = seen.map((o) => o.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(30);
  });

  it('default page size is 20 and an exact last page has nextCursor null', async () => {
    const first = await requestJson(`${orders}/orders?userId=u3`);
    expect(first.body.items).toHaveLength(20);
    const rest = await requestJson(`${orders}/orders?userId=u3&cursor=${first.body.nextCursor}&limit=10`);
    expect(rest.body.items).toHaveLength(10);
    expect(rest.body.nextCursor).toBeNull();
    const after = await requestJson(`${orders}/orders?userId=u3&cursor=o99999`);
    expect(after.body).toEqual({ items: [], nextCursor: null });
    const unknown = await requestJson(`${orders}/orders?userId=nobody`);
    expect(unknown.body).toEqual({ items: [], nextCursor: null });
  });

  it('bad query parameters are 400', async () => {
    for (const query of [
      'orders',
      'orders?limit=5',
      'orders?userId=u1&limit=0',
      'orders?userId=u1&limit=x',
      'orders?userId=u1&ids=o00001',
      'orders/changes',
      'orders/changes?userId=u1&after=-1',
      'orders/changes?userId=u1&after=abc',
      'orders/changes?userId=u1&limit=0',
    ]) {
      const res = await requestJson(`${orders}/${query}`);
      expect(res.status, query).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
  });
});

describe('orders: change feed', () => {
  it('from after=0 yields every seeded order of the user, ascending seq', async () => {
    const res = await requestJson(`${orders}/orders/changes?userId=u4&after=0&limit=100`);
    expect(res.status).toBe(200);
    const { changes, hasMore, latestSeq } = res.body;
    expect(hasMore).toBe(false);
    expect(latestSeq).toBeGreaterThanOrEqual(1500);
    expect(changes).toHaveLength(30);
    const seqs = changes.map((c: { seq: number }) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs[0]).toBe(4); // o00004 is u4's first order and seq i ↔ seeded order i
    for (const change of changes) {
      expect(change.op).toBe('upsert');
      expect(change.order.userId).toBe('u4');
      expect(change.order.id).toBe(change.id);
    }
  });

  it('filters by after and reports hasMore with a limit', async () => {
    const all = (await requestJson(`${orders}/orders/changes?userId=u5`)).body.changes;
    const page = await requestJson(`${orders}/orders/changes?userId=u5&after=${all[9].seq}&limit=5`);
    expect(page.body.changes.map((c: { seq: number }) => c.seq)).toEqual(all.slice(10, 15).map((c: { seq: number }) => c.seq));
    expect(page.body.hasMore).toBe(true);
    const tail = await requestJson(`${orders}/orders/changes?userId=u5&after=${all[24].seq}&limit=5`);
    expect(tail.body.changes).toHaveLength(5);
    expect(tail.body.hasMore).toBe(false);
  });

  it('reading the whole feed across users from after=0 yields all 1500 orders', async () => {
    const ids = new Set<string>();
    for (let u = 1; u <= 50; u++) {
      const res = await requestJson(`${orders}/orders/changes?userId=u${u}&after=0&limit=1000`);
      for (const c of res.body.changes) if (c.seq <= 1500) ids.add(c.id);
    }
    expect(ids.size).toBe(1500);
  });
});

describe('orders: PATCH', () => {
  it('updates with a matching If-Match, bumps version and records an upsert', async () => {
    const before = (await requestJson<Order>(`${orders}/orders/o00010`)).body;
    const seq = await latestSeq();
    const res = await patch('o00010', { status: 'CANCELLED', note: 'changed my mind' }, { 'If-Match': '1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'o00010', status: 'CANCELLED', note: 'changed my mind', version: 2 });
    expect(res.body.items).toEqual(before.items);
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect((await requestJson(`${orders}/orders/o00010`)).body).toEqual(res.body);

    const feed = await requestJson(`${orders}/orders/changes?userId=u10&after=${seq}`);
    expect(feed.body.changes).toEqual([{ seq: seq + 1, op: 'upsert', id: 'o00010', order: res.body }]);
    expect(feed.body.latestSeq).toBe(seq + 1);
  });

  it('feed entries keep the order as it was at each change', async () => {
    const seq = await latestSeq();
    await patch('o00060', { note: 'first' }, { 'If-Match': '1' });
    await patch('o00060', { note: 'second' }, { 'If-Match': '2' });
    const feed = await requestJson(`${orders}/orders/changes?userId=u10&after=${seq}`);
    expect(feed.body.changes.map((c: { order: Order }) => [c.order.version, c.order.note])).toEqual([
      [2, 'first'],
      [3, 'second'],
    ]);
  });

  it('accepts ETag-style If-Match values', async () => {
    const res = await patch('o00110', { status: 'PAID' }, { 'If-Match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
  });

  it('409 with currentVersion when If-Match is stale', async () => {
    await patch('o00011', { status: 'PAID' }, { 'If-Match': '1' });
    const seq = await latestSeq();
    const res = await patch('o00011', { status: 'SHIPPED' }, { 'If-Match': '1' });
    expect(res.status).toBe(409);
    expect(res.body.currentVersion).toBe(2);
    expect(await latestSeq()).toBe(seq);
  });

  it('428 without If-Match', async () => {
    const res = await patch('o00012', { status: 'PAID' }, {});
    expect(res.status).toBe(428);
    expect((await requestJson(`${orders}/orders/o00012`)).body.version).toBe(1);
  });

  it('403 when X-User-Id is not the owner; allowed when it is', async () => {
    const denied = await patch('o00013', { status: 'PAID' }, { 'If-Match': '1', 'X-User-Id': 'u14' });
    expect(denied).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const allowed = await patch('o00013', { status: 'PAID' }, { 'If-Match': '1', 'X-User-Id': 'u13' });
    expect(allowed.status).toBe(200);
  });

  it('404 for an unknown order', async () => {
    expect((await patch('o99999', { status: 'PAID' }, { 'If-Match': '1' })).status).toBe(404);
  });

  it('400 for invalid bodies', async () => {
    for (const body of [
      { status: 'LOST' },
      { status: 3 },
      { note: 42 },
      { note: 'x'.repeat(501) },
      { status: 'PAID', extra: true },
      ['PAID'],
      'not json{',
      '',
    ]) {
      const res = await patch('o00014', body, { 'If-Match': '1' });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    expect((await patch('o00014', { note: 'x'.repeat(500) }, { 'If-Match': '1' })).status).toBe(200);
  });

  it('note: null clears the note', async () => {
    const set = await patch('o00016', { note: 'temporary' }, { 'If-Match': '1' });
    expect(set.body.note).toBe('temporary');
    const cleared = await patch('o00016', { note: null }, { 'If-Match': '2' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ note: null, version: 3 });
  });

  it('Idempotency-Key replays the first response without a second bump; another body → 422', async () => {
    const seq = await latestSeq();
    const headers = { 'If-Match': '1', 'Idempotency-Key': 'key-o00015' };
    const first = await patch('o00015', { status: 'SHIPPED' }, headers);
    const replay = await patch('o00015', { status: 'SHIPPED' }, headers);
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect((await requestJson(`${orders}/orders/o00015`)).body.version).toBe(2);
    expect(await latestSeq()).toBe(seq + 1);

    const otherBody = await patch('o00015', { status: 'DELIVERED' }, headers);
    expect(otherBody.status).toBe(422);
    const otherOrder = await patch('o00065', { status: 'SHIPPED' }, headers);
    expect(otherOrder.status).toBe(422);
    expect((await requestJson(`${orders}/orders/o00065`)).body.version).toBe(1);
  });
});

describe('orders: create and delete', () => {
  it('POST /orders creates the next id, priced from the catalog, visible in list and feed', async () => {
    const seq = await latestSeq();
    const res = await sendJsonBody(`${orders}/orders`, 'POST', {
      userId: 'u20',
      items: [
        { productId: 'p1', quantity: 2 },
        { productId: 'p2', quantity: 1 },
      ],
      note: 'hello',
    });
    expect(res.status).toBe(201);
    const created: Order = res.body;
    expect(created.id).toMatch(/^o0\d{4}$/);
    expect(Number(created.id.slice(1))).toBeGreaterThan(1500);
    expect(created).toMatchObject({ userId: 'u20', status: 'PENDING', version: 1, currency: 'EUR', note: 'hello' });
    const catalog = (await requestJson(`${backends.urls.catalog}/products?ids=p1,p2`)).body.items;
    expect(created.items).toEqual([
      { productId: 'p1', quantity: 2, unitPriceCents: catalog[0].priceCents },
      { productId: 'p2', quantity: 1, unitPriceCents: catalog[1].priceCents },
    ]);
    expect(created.totalCents).toBe(2 * catalog[0].priceCents + catalog[1].priceCents);

    const page = await requestJson(`${orders}/orders?userId=u20&limit=100`);
    expect(page.body.items).toHaveLength(31);
    expect(page.body.items.at(-1)).toEqual(created);
    const feed = await requestJson(`${orders}/orders/changes?userId=u20&after=${seq}`);
    expect(feed.body.changes).toEqual([{ seq: seq + 1, op: 'upsert', id: created.id, order: created }]);

    const second = await sendJsonBody(`${orders}/orders`, 'POST', { userId: 'u20', items: [{ productId: 'p3', quantity: 1 }] });
    expect(Number(second.body.id.slice(1))).toBe(Number(created.id.slice(1)) + 1);
    expect(second.body.note ?? null).toBeNull();
  });

  it('POST /orders validates its body', async () => {
    for (const body of [
      {},
      { userId: 'u1', items: [] },
      { userId: 'u1', items: [{ productId: 'p9999', quantity: 1 }] },
      { userId: 'u1', items: [{ productId: 'p1', quantity: 0 }] },
      { userId: '', items: [{ productId: 'p1', quantity: 1 }] },
    ]) {
      expect((await sendJsonBody(`${orders}/orders`, 'POST', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('DELETE /orders/:id removes the order and records a delete change', async () => {
    const seq = await latestSeq();
    const del = await fetch(`${orders}/orders/o00021`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await requestJson(`${orders}/orders/o00021`)).status).toBe(404);
    expect((await requestJson(`${orders}/orders?ids=o00021`)).body.items).toEqual([]);
    const page = await requestJson(`${orders}/orders?userId=u21&limit=100`);
    expect(page.body.items.map((o: Order) => o.id)).not.toContain('o00021');
    expect(page.body.items).toHaveLength(29);
    const feed = await requestJson(`${orders}/orders/changes?userId=u21&after=${seq}`);
    expect(feed.body.changes).toEqual([{ seq: seq + 1, op: 'delete', id: 'o00021' }]);
    expect((await fetch(`${orders}/orders/o00021`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('orders: trustGateway (a backend that believes X-User-Id)', () => {
  let trusting: ReferenceBackend;

  beforeAll(async () => {
    trusting = await startReferenceBackend('orders', { trustGateway: true });
  });

  afterAll(async () => {
    await trusting.close();
  });

  it("applies a PATCH to another user's order: only the gateway can refuse it", async () => {
    const res = await sendJsonBody(`${trusting.url}/orders/o00013`, 'PATCH', { note: 'not yours' }, { 'If-Match': '1', 'X-User-Id': 'u14' });
    expect(res).toMatchObject({ status: 200, body: { id: 'o00013', userId: 'u13', note: 'not yours', version: 2 } });
  });
});

describe('orders: compaction', () => {
  let own: ReferenceBackend;

  beforeAll(async () => {
    own = await startReferenceBackend('orders');
  });

  afterAll(async () => {
    await own.close();
  });

  it('after < compaction point → 410 with oldestSeq; at or after it → the remaining entries', async () => {
    const compact = await sendJsonBody(`${own.url}/__admin/compact`, 'POST', { upToSeq: 1000 });
    expect(compact).toMatchObject({ status: 200, body: { compactedThroughSeq: 1000, latestSeq: 1500 } });

    for (const after of [0, 999]) {
      const gone = await requestJson(`${own.url}/orders/changes?userId=u1&after=${after}`);
      expect(gone.status).toBe(410);
      expect(gone.body).toMatchObject({ error: 'feed compacted', oldestSeq: 1001 });
    }
    const kept = await requestJson(`${own.url}/orders/changes?userId=u1&after=1000`);
    expect(kept.status).toBe(200);
    // u1's seeded orders are seq 1, 51, …, 1451; those above 1000 are 1001…1451.
    expect(kept.body.changes.map((c: { seq: number }) => c.seq)).toEqual([1001, 1051, 1101, 1151, 1201, 1251, 1301, 1351, 1401, 1451]);
    // Orders themselves are untouched by compaction.
    expect((await requestJson(`${own.url}/orders/o00001`)).status).toBe(200);
  });

  it('invalid compaction bodies are 400 and compaction is a control route (not counted)', async () => {
    own.resetStats();
    expect((await sendJsonBody(`${own.url}/__admin/compact`, 'POST', { upToSeq: -1 })).status).toBe(400);
    expect((await sendJsonBody(`${own.url}/__admin/compact`, 'POST', {})).status).toBe(400);
    expect(own.stats().requests).toBe(0);
  });

  it('compacting one backend does not affect another', async () => {
    // The shared suite's orders backend was never compacted.
    expect((await requestJson(`${orders}/orders/changes?userId=u1&after=0`)).status).toBe(200);
  });
});
