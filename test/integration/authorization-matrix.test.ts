import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * Every field and mutation that takes an id or a token from the client, tried as another
 * viewer, anonymously, with an expired token and with a tampered one, against reference
 * backends that trust X-User-Id without checking (as internal services behind a BFF often
 * do): whatever the gateway does not refuse, nobody refuses.
 */

// Seed data: order o00002 and user u2 belong to u2; the caller is u1.
const FOREIGN_ORDER = 'o00002';
const UPDATE = 'mutation($input: UpdateOrderInput!) { updateOrder(input: $input) { id note version } }';

type Caller = 'other viewer' | 'anonymous' | 'expired token' | 'tampered token';
const CALLERS: Caller[] = ['other viewer', 'anonymous', 'expired token', 'tampered token'];
const EXPECTED_CODE: Record<Caller, string> = {
  'other viewer': 'FORBIDDEN',
  anonymous: 'UNAUTHENTICATED',
  'expired token': 'UNAUTHENTICATED',
  'tampered token': 'UNAUTHENTICATED',
};

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown> | ((t: TestGateway) => Promise<Record<string, unknown>>);
  /** Text of u2's that must never appear in the answer. */
  secret?: RegExp;
  /** The code another viewer gets, when it is not FORBIDDEN. */
  otherViewerCode?: string;
}

const CASES: Case[] = [
  { name: 'order(id)', query: `{ order(id: "${FOREIGN_ORDER}") { id totalCents note user { id } } }`, secret: /totalCents|"o00002"/ },
  { name: "user(id).orders", query: '{ user(id: "u2") { id orders(first: 5) { nodes { id totalCents } } } }', secret: /totalCents|o00002/ },
  {
    name: 'updateOrder',
    query: UPDATE,
    variables: { input: { id: FOREIGN_ORDER, expectedVersion: 1, note: 'not yours' } },
    secret: /not yours|"version"/,
  },
  {
    name: "ordersDelta(syncToken) with u2's token",
    query: 'query($t: String) { ordersDelta(syncToken: $t, first: 5) { changed { id totalCents } syncToken } }',
    variables: async (t) => {
      const { body } = await t.gql('{ ordersDelta(first: 5) { syncToken } }', { as: 'u2' });
      return { t: (body.data!.ordersDelta as { syncToken: string }).syncToken };
    },
    secret: /totalCents/,
    otherViewerCode: 'SYNC_TOKEN_INVALID',
  },
];

async function authorizationFor(t: TestGateway, caller: Caller): Promise<Record<string, string>> {
  switch (caller) {
    case 'other viewer':
      return { authorization: `Bearer ${await t.token('u1')}` };
    case 'anonymous':
      return {};
    case 'expired token':
      return { authorization: `Bearer ${await t.token('u2', Math.floor(Date.now() / 1000) - 60)}` };
    case 'tampered token': {
      // u1's token with its subject rewritten to u2: the signature no longer matches.
      const [header, payload, signature] = (await t.token('u1')).split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'u2' })).toString('base64url');
      return { authorization: `Bearer ${header}.${forged}.${signature}` };
    }
  }
}

function orderOnBackend(t: TestGateway, id: string): Promise<{ note?: string | null; version: number }> {
  return fetch(`${t.backends.urls.orders}/orders/${id}`).then((r) => r.json() as Promise<{ note?: string | null; version: number }>);
}

describe('authorization matrix against backends that trust X-User-Id', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { trustingBackends: true });
  });
  afterAll(() => t.close());

  describe.each(CASES)('$name', (c) => {
    it.each(CALLERS)('as %s: refused with its code, nothing of u2 in the answer', async (caller) => {
      const variables = typeof c.variables === 'function' ? await c.variables(t) : c.variables;
      const before = await orderOnBackend(t, FOREIGN_ORDER);
      t.resetBackendStats();
      const { body } = await t.gql(c.query, { headers: await authorizationFor(t, caller), ...(variables === undefined ? {} : { variables }) });
      const expected = caller === 'other viewer' ? (c.otherViewerCode ?? EXPECTED_CODE[caller]) : EXPECTED_CODE[caller];
      expect(body.errors?.map((error) => error.extensions?.code)).toContain(expected);
      if (c.secret !== undefined) expect(JSON.stringify(body.data ?? null)).not.toMatch(c.secret);
      // No write reached the backend, and u2's order is as it was.
      expect(t.backends.orders.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
      expect(await orderOnBackend(t, FOREIGN_ORDER)).toEqual(before);
    });
  });

  it("another user's email is never shown; their public profile is", async () => {
    const { body } = await t.gql('{ user(id: "u2") { id name email } }', { as: 'u1' });
    expect(body.data).toEqual({ user: { id: 'u2', name: expect.any(String), email: null } });
  });

  it('the viewer can still change their own order (the trusting backend applies it)', async () => {
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o00001', expectedVersion: 1, note: 'mine' } } });
    expect(body).toEqual({ data: { updateOrder: { id: 'o00001', note: 'mine', version: 2 } } });
  });

  it('an unknown order is NOT_FOUND without any write', async () => {
    t.resetBackendStats();
    const { body } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o99999', expectedVersion: 1, note: 'x' } } });
    expect(body.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', retryable: false });
    expect(t.backends.orders.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it("a client's own X-User-Id header is never forwarded: backends see the verified viewer or nobody", async () => {
    t.resetBackendStats();
    await t.gql('{ viewer { id } }', { as: 'u1', headers: { 'x-user-id': 'u2' } });
    await t.gql('{ product(id: "p1") { id } }', { headers: { 'x-user-id': 'u2' } });
    const seen = [...t.backends.users.requests, ...t.backends.catalog.requests].map((r) => r.headers['x-user-id']);
    expect(seen).toEqual(['u1', undefined]);
  });
});

describe("the backend's own refusal text never reaches the client", () => {
  let t: TestGateway;
  let proxy: Server;
  beforeAll(async () => {
    // The proxy stands where the orders backend is; it learns the real one once the gateway started it.
    let orders = new URL('http://127.0.0.1:1');
    // Reads go to the real orders backend; every write is refused with internal details.
    proxy = createServer((req, res) => {
      if (req.method === 'PATCH') {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'constraint orders_note_chk on db-primary-3.internal violated' }));
        return;
      }
      const upstream = httpRequest({ host: orders.hostname, port: orders.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    t = await startTestGateway({}, { cache: false, gatewayConfig: { services: { orders: { url: `http://127.0.0.1:${port}` } } } });
    orders = new URL(t.backends.urls.orders);
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('answers BAD_USER_INPUT with a fixed message and logs the backend text with the request id', async () => {
    const { body }: { body: GraphQLResponseBody } = await t.gql(UPDATE, { as: 'u1', variables: { input: { id: 'o00001', expectedVersion: 1, note: 'x' } } });
    expect(JSON.stringify(body)).not.toContain('db-primary');
    expect(body.errors?.[0]).toMatchObject({ message: 'The orders service rejected the update', extensions: { code: 'BAD_USER_INPUT' } });
    expect(t.logs.some((line) => String(line.reason).includes('db-primary') && typeof line.requestId === 'string')).toBe(true);
  });
});
