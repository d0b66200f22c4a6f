import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceBackends, type ReferenceBackends } from '../../backends/start-reference-backends.js';
import { requestJson } from './http-helpers.js';

let backends: ReferenceBackends;

beforeAll(async () => {
  backends = await startReferenceBackends();
});

afterAll(async () => {
  await backends.close();
});

describe('users', () => {
  it('GET /users/:id returns the seeded user with JSON content type', async () => {
    const res = await requestJson(`${backends.urls.users}/users/u7`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      id: 'u7',
      name: expect.stringMatching(/^\S+ \S+$/),
      email: 'u7@example.com',
      avatarUrl: 'https://cdn.example.com/avatars/u7.png',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('GET /users/:id is 404 for an unknown user', async () => {
    const res = await requestJson(`${backends.urls.users}/users/u51`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not found' });
  });

  it('GET /users?ids= returns known users in request order and omits unknown ids', async () => {
    const res = await requestJson(`${backends.urls.users}/users?ids=u3,nope,u1,u50`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { id: string }) => u.id)).toEqual(['u3', 'u1', 'u50']);
  });

  it('batch with only unknown ids is an empty list, not an error', async () => {
    const res = await requestJson(`${backends.urls.users}/users?ids=x,y`);
    expect(res).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('batch without ids or with more than 500 ids is 400', async () => {
    const missing = await requestJson(`${backends.urls.users}/users`);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/ids/);
    const ids = Array.from({ length: 501 }, (_, i) => `u${i + 1}`).join(',');
    const tooMany = await requestJson(`${backends.urls.users}/users?ids=${ids}`);
    expect(tooMany.status).toBe(400);
    const exactly500 = await requestJson(`${backends.urls.users}/users?ids=${Array.from({ length: 500 }, (_, i) => `u${i + 1}`).join(',')}`);
    expect(exactly500.status).toBe(200);
    expect(exactly500.body.items).toHaveLength(50);
  });
});

describe('catalog', () => {
  it('GET /products/:id returns a product with the contract fields', async () => {
    const res = await requestJson(`${backends.urls.catalog}/products/p7`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'p7', currency: 'EUR', imageUrl: 'https://cdn.example.com/products/p7.jpg' });
    expect(Object.keys(res.body).sort()).toEqual(['currency', 'id', 'imageUrl', 'name', 'priceCents', 'rating']);
    expect(res.body.priceCents).toBeGreaterThanOrEqual(100);
    expect(res.body.priceCents).toBeLessThanOrEqual(20000);
  });

  it('GET /products?ids= omits unknown ids and has 500 products', async () => {
    const res = await requestJson(`${backends.urls.catalog}/products?ids=p500,p501,p1,p0`);
    expect(res.body.items.map((p: { id: string }) => p.id)).toEqual(['p500', 'p1']);
  });

  it('GET /products/:id is 404 for an unknown product', async () => {
    const res = await requestJson(`${backends.urls.catalog}/products/p501`);
    expect(res).toMatchObject({ status: 404, body: { error: 'not found' } });
  });

  it('ratings are 1.0..5.0 with one decimal or null', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `p${i + 1}`).join(',');
    const res = await requestJson(`${backends.urls.catalog}/products?ids=${ids}`);
    const ratings = res.body.items.map((p: { rating: number | null }) => p.rating);
    expect(ratings).toHaveLength(500);
    expect(ratings).toContain(null);
    for (const r of ratings) {
      if (r === null) continue;
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(5);
      expect(Math.round(r * 10) / 10).toBe(r);
    }
  });
});

describe('recommendations', () => {
  const rec = (query: string) => requestJson(`${backends.urls.recommendations}/recommendations?${query}`);

  it('returns 10 distinct product ids by default, deterministic per user', async () => {
    const a = await rec('userId=u1');
    const b = await rec('userId=u1');
    const other = await rec('userId=u2');
    expect(a.status).toBe(200);
    expect(a.body.productIds).toHaveLength(10);
    expect(new Set(a.body.productIds).size).toBe(10);
    expect(b.body).toEqual(a.body);
    expect(other.body.productIds).not.toEqual(a.body.productIds);
    for (const id of a.body.productIds) {
      expect(id).toMatch(/^p\d+$/);
      const n = Number(id.slice(1));
      expect(n >= 1 && n <= 500).toBe(true);
    }
  });

  it('limit is honoured, a smaller limit is a prefix, and it is capped at 50', async () => {
    const five = await rec('userId=u9&limit=5');
    const ten = await rec('userId=u9&limit=10');
    const big = await rec('userId=u9&limit=80');
    expect(five.body.productIds).toEqual(ten.body.productIds.slice(0, 5));
    expect(big.body.productIds).toHaveLength(50);
    expect(new Set(big.body.productIds).size).toBe(50);
  });

  it('bad parameters are 400', async () => {
    for (const query of ['', 'userId=', 'userId=u1&limit=0', 'userId=u1&limit=-1', 'userId=u1&limit=abc', 'userId=u1&limit=1.5']) {
      const res = await rec(query);
      expect(res.status, query).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
  });
});

describe('routing', () => {
  it('unknown routes and wrong methods are 404 {error:"not found"}', async () => {
    for (const [url, method] of [
      [`${backends.urls.users}/nope`, 'GET'],
      [`${backends.urls.users}/users/u1/extra`, 'GET'],
      [`${backends.urls.catalog}/products/p1`, 'POST'],
      [`${backends.urls.recommendations}/__nope`, 'GET'],
      [`${backends.urls.orders}/users/u1`, 'GET'],
    ] as const) {
      const res = await requestJson(url, { method });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body).toEqual({ error: 'not found' });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('percent-encoded ids are decoded', async () => {
    const res = await requestJson(`${backends.urls.users}/users/%75%31`);
    expect(res.body.id).toBe('u1');
  });
});
