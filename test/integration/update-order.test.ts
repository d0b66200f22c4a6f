import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateOrderInput!) {
    updateOrder(input: $input) { id status note version }
  }
`;

describe('updateOrder: optimistic concurrency over the orders backend', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('applies with the current version, sends If-Match, returns version + 1', async () => {
    t.resetBackendStats();
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o00001', expectedVersion: 1, status: 'CANCELLED', note: 'changed my mind' } } });
    expect(body).toEqual({ data: { updateOrder: { id: 'o00001', status: 'CANCELLED', note: 'changed my mind', version: 2 } } });
    const patch = t.backends.orders.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe('1');
    expect(patch.headers['x-user-id']).toBe('u1');
  });

  it('a stale expectedVersion is CONFLICT with currentVersion', async () => {
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o00001', expectedVersion: 1, note: 'late' } } });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: 'Order o00001 changed since version 1: reload it and try again',
          locations: [{ line: 3, column: 5 }],
          path: ['updateOrder'],
          extensions: { code: 'CONFLICT', retryable: false, currentVersion: 2 },
        },
      ],
    });
  });

  it('an unknown order is NOT_FOUND, another user\'s is FORBIDDEN', async () => {
    const missing = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o99999', expectedVersion: 1, note: 'x' } } });
    expect(missing.body.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', retryable: false });
    t.resetBackendStats();
    const foreign = await t.gql(UPDATE, { as: 'u2', variables: { input: { id: 'o00001', expectedVersion: 2, note: 'x' } } });
    expect(foreign.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', retryable: false });
    // Refused by the gateway itself: the write never reaches the backend.
    expect(t.backends.orders.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it("a backend rejection is BAD_USER_INPUT with a fixed message; the backend's text is only logged, with the request id", async () => {
    const first = await t.gql(UPDATE, { as: 'u2', variables: { input: { id: 'o00002', expectedVersion: 1, note: 'a', idempotencyKey: 'reused' } } });
    expect(first.body.data).toEqual({ updateOrder: { id: 'o00002', status: expect.any(String), note: 'a', version: 2 } });
    // Same key, different body: the backend answers 422 with its own text.
    const { headers, body } = await t.gql(UPDATE, {
      as: 'u2',
      headers: { 'x-request-id': 'req-rejected-1' },
      variables: { input: { id: 'o00002', expectedVersion: 2, note: 'b', idempotencyKey: 'reused' } },
    });
    expect(headers.get('x-request-id')).toBe('req-rejected-1');
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'The orders service rejected the update',
        extensions: { code: 'BAD_USER_INPUT', retryable: false, argument: 'input' },
      }),
    ]);
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        requestId: 'req-rejected-1',
        status: 422,
        backendMessage: 'Idempotency-Key was already used for a different request',
      }),
    );
  });

  it('the same idempotency key applies once', async () => {
    const input = { id: 'o00051', expectedVersion: 1, status: 'PAID', idempotencyKey: 'key-1' };
    const first = await t.gql(UPDATE, { as: 'u1', variables: { input } });
    const again = await t.gql(UPDATE, { as: 'u1', variables: { input } });
    expect(first.body).toEqual({ data: { updateOrder: { id: 'o00051', status: 'PAID', note: null, version: 2 } } });
    expect(again.body).toEqual(first.body);
    const patches = t.backends.orders.requests.filter((r) => r.method === 'PATCH' && r.path === '/orders/o00051');
    expect(patches.map((p) => p.headers['idempotency-key'])).toEqual(['key-1', 'key-1']);
  });

  it('invalid input is BAD_USER_INPUT and never reaches the backend', async () => {
    t.resetBackendStats();
    const cases = [
      { id: 'o00001', expectedVersion: 2 },
      { id: 'o00001', expectedVersion: 2, note: 'x'.repeat(501) },
      { id: 'o00001', expectedVersion: 0, note: 'x' },
      { id: 'o00001', expectedVersion: 2, note: 'x', idempotencyKey: 'has spaces' },
    ];
    for (const input of cases) {
      const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input } });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const badEnum = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o00001', expectedVersion: 2, status: 'LOST' } } });
    expect(badEnum.status).toBe(400);
    expect(t.backends.orders.stats().requests).toBe(0);
  });

  it('needs a signed-in viewer', async () => {
    const { body } = await t.gql(UPDATE, { variables: { input: { id: 'o00001', expectedVersion: 2, note: 'x' } } });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', retryable: false });
  });
});

describe('updateOrder: retries only with an idempotency key', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '2' }, { cache: false });
  });
  afterAll(() => t.close());

  it('with a key, a 503 is retried and the order is bumped once', async () => {
    // PATCH only: the ownership check's read before it must pass.
    t.backends.orders.setFault({ mode: '503', method: 'PATCH' });
    const answer = t.gql(UPDATE, { as: 'u3', variables: { input: { id: 'o00003', expectedVersion: 1, note: 'ring twice', idempotencyKey: 'k-503' } } });
    await t.backends.orders.waitForRequests(2);
    t.backends.orders.clearFault();
    expect((await answer).body).toEqual({ data: { updateOrder: { id: 'o00003', status: expect.any(String), note: 'ring twice', version: 2 } } });
    const patches = t.backends.orders.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(patches.every((p) => p.headers['idempotency-key'] === 'k-503')).toBe(true);
  });

  it('with a key, a first attempt that applied but timed out is replayed, not applied twice', async () => {
    t.resetBackendStats();
    // The first attempt is held past the gateway's 1 s timeout; the retry arrives
    // while it is still pending; the backend applies one and replays the other.
    t.backends.orders.setFault({ mode: 'slow', delayMs: 1300, method: 'PATCH' });
    const answer = t.gql(UPDATE, { as: 'u4', variables: { input: { id: 'o00004', expectedVersion: 1, note: 'once', idempotencyKey: 'k-slow' } } });
    await t.backends.orders.waitForRequests(2);
    t.backends.orders.clearFault();
    expect((await answer).body).toEqual({ data: { updateOrder: { id: 'o00004', status: expect.any(String), note: 'once', version: 2 } } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const order = (await (await fetch(`${t.backends.urls.orders}/orders/o00004`)).json()) as { version: number };
    expect(order.version).toBe(2);
  });

  it('without a key, a 503 is not retried: the write fails rather than risk applying twice', async () => {
    t.resetBackendStats();
    t.backends.orders.setFault({ mode: '503', method: 'PATCH' });
    const { body } = await t.gql(UPDATE, { as: 'u6', variables: { input: { id: 'o00006', expectedVersion: 1, note: 'x' } } });
    t.backends.orders.clearFault();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'orders', retryable: true });
    expect(t.backends.orders.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });
});

describe("updateOrder: the backend's own 403 and 404 are still FORBIDDEN and NOT_FOUND", () => {
  // An orders backend whose answer disagrees with the gateway's owner check (e.g. it
  // knows of a transfer the gateway cannot see, or the order was deleted between the
  // read and the write): reads say u1 owns o1 and o2, writes say 403 (o1) and 404 (o2).
  let orders: Server;
  let t: TestGateway;
  beforeAll(async () => {
    const order = (id: string) => ({ id, userId: 'u1', status: 'PENDING', items: [], totalCents: 0, currency: 'EUR', version: 1, note: null, updatedAt: '2026-01-01T00:00:00.000Z' });
    orders = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://orders');
      if (req.method === 'PATCH') {
        const missing = url.pathname === '/orders/o2';
        res.writeHead(missing ? 404 : 403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: missing ? 'no such order' : 'forbidden' }));
        return;
      }
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: ids.map(order) }));
    });
    orders.listen(0, '127.0.0.1');
    await once(orders, 'listening');
    t = await startTestGateway({ ORDERS_URL: `http://127.0.0.1:${(orders.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await t.close();
    orders.closeAllConnections();
    orders.close();
  });

  it('passes the gateway check, is refused by the backend, and answers FORBIDDEN', async () => {
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o1', expectedVersion: 1, note: 'x' } } });
    expect(body).toMatchObject({ data: null, errors: [{ message: 'This order belongs to another user', extensions: { code: 'FORBIDDEN', retryable: false } }] });
  });

  it('passes the gateway check, the backend answers 404, and the answer is NOT_FOUND', async () => {
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o2', expectedVersion: 1, note: 'x' } } });
    expect(body).toMatchObject({ data: null, errors: [{ message: 'Order o2 does not exist', extensions: { code: 'NOT_FOUND', retryable: false } }] });
  });
});
