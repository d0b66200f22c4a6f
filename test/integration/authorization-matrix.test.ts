/**
 * Authorization matrix: every field that takes an id or token from the client, tried
 * by another viewer and with every kind of bad credential, against reference backends
 * that TRUST the gateway's X-User-Id (no ownership checks of their own). Whatever
 * keeps viewers apart here is the gateway alone.
 *
 * Victim: u1. Attacker: u2 (a valid token of their own). Bad credentials all claim to
 * be the victim (sub = u1).
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type GqlOptions, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

const VICTIM = 'u1';
const ATTACKER = 'u2';
const VICTIM_ORDER = 'o00001';
/** Seed: order n belongs to u((n - 1) % 50 + 1), so u1 owns o00001, o00051, … o01451. */
const VICTIM_ORDER_IDS = Array.from({ length: 30 }, (_, i) => `o${String(i * 50 + 1).padStart(5, '0')}`);
const VICTIM_EMAIL = `${VICTIM}@example.com`;
const VICTIM_NOTE = 'secret note of u1';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

interface Credential {
  name: string;
  /** How the request authenticates (GqlOptions: `as` a user, or a raw Authorization header). */
  options(t: TestGateway): Promise<GqlOptions>;
}

const ATTACKER_CREDENTIAL: Credential = { name: 'another viewer (u2, valid token)', options: async () => ({ as: ATTACKER }) };

/** Each claims to be the victim; none is acceptable. */
const BAD_CREDENTIALS: Credential[] = [
  { name: 'anonymous (no token)', options: async () => ({}) },
  {
    name: 'expired token',
    options: async (t) => ({ authorization: `Bearer ${await t.token(VICTIM, Math.floor(Date.now() / 1000) - 60)}` }),
  },
  {
    name: 'tampered token: sub changed to u1',
    options: async (t) => {
      const [header, , signature] = (await t.token(ATTACKER)).split('.');
      return { authorization: `Bearer ${header}.${b64({ sub: VICTIM, iat: Math.floor(Date.now() / 1000), exp: inAnHour() })}.${signature}` };
    },
  },
  {
    name: 'alg none (unsigned)',
    options: async () => ({ authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: VICTIM, exp: inAnHour() })}.` }),
  },
  {
    name: 'token signed with another secret',
    options: async () => ({
      authorization: `Bearer ${await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(VICTIM)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('not-the-gateway-secret-at-all-000'))}`,
    }),
  },
];

interface Operation {
  name: string;
  query: string;
  variables(state: State): Record<string, unknown>;
  /** What another viewer gets: an error code, or null where the field is meant to answer (public fields). */
  otherViewer: string | null;
  /** A write: the victim's order must be unchanged at the backend and no PATCH may reach it. */
  write?: boolean;
}

interface State {
  victimSyncToken: string;
  victimOrderVersion: number;
}

const OPERATIONS: Operation[] = [
  {
    name: 'order(id) of another user',
    query: 'query($id: ID!) { order(id: $id) { id note totalCents user { id email } } }',
    variables: () => ({ id: VICTIM_ORDER }),
    otherViewer: 'FORBIDDEN',
  },
  {
    name: "user(id): another user's profile",
    query: 'query($id: ID!) { user(id: $id) { id name avatarUrl email } }',
    variables: () => ({ id: VICTIM }),
    otherViewer: null,
  },
  {
    name: "user(id).orders of another user",
    query: 'query($id: ID!) { user(id: $id) { id name orders(first: 5) { nodes { id note } } } }',
    variables: () => ({ id: VICTIM }),
    otherViewer: 'FORBIDDEN',
  },
  {
    name: "updateOrder: another user's order",
    query: 'mutation($input: UpdateOrderInput!) { updateOrder(input: $input) { id note version } }',
    // The current version: were it to reach the trusting backend, the write would apply.
    variables: (state) => ({ input: { id: VICTIM_ORDER, expectedVersion: state.victimOrderVersion, note: 'not yours' } }),
    otherViewer: 'FORBIDDEN',
    write: true,
  },
  {
    name: 'updateOrder: no such order',
    query: 'mutation($input: UpdateOrderInput!) { updateOrder(input: $input) { id note version } }',
    variables: () => ({ input: { id: 'o99999', expectedVersion: 1, note: 'not yours' } }),
    otherViewer: 'NOT_FOUND',
    write: true,
  },
  {
    // Not FORBIDDEN: a sync token is bound to its user, and the app's answer to any
    // unusable token is the same full resync.
    name: "ordersDelta: another user's syncToken",
    query: 'query($token: String) { ordersDelta(syncToken: $token, first: 5) { changed { id note } deletedIds syncToken } }',
    variables: (state) => ({ token: state.victimSyncToken }),
    otherViewer: 'SYNC_TOKEN_INVALID',
  },
];

/**
 * Fields that take no id but act for the signed-in viewer (`viewer` is a `@connect` field
 * keyed by `{$viewer.id}`): no bad credential may make them act for anyone.
 */
const VIEWER_OPERATIONS = [
  { name: 'viewer (@connect, {$viewer.id})', query: '{ viewer { id name email } }' },
  { name: 'viewer.orders', query: '{ viewer { id orders(first: 5) { nodes { id note } } } }' },
  { name: 'recommendations', query: '{ recommendations(first: 3) { id } }' },
];

/** Public by design: the catalog is the same for everyone and holds nothing personal (shown before sign-in). */
const PUBLIC_OPERATIONS = [
  { name: 'product(id)', query: '{ product(id: "p1") { id name priceCents } }', data: { product: { id: 'p1', name: expect.any(String), priceCents: expect.any(Number) } } },
  { name: 'products(ids)', query: '{ products(ids: ["p1", "p2"]) { id } }', data: { products: [{ id: 'p1' }, { id: 'p2' }] } },
];

describe('authorization matrix (backends trust X-User-Id)', () => {
  let t: TestGateway;
  const state: State = { victimSyncToken: '', victimOrderVersion: 0 };
  let victimOrderAtBackend: unknown;

  const readVictimOrder = async () => (await fetch(`${t.backends.urls.orders}/orders/${VICTIM_ORDER}`)).json();

  beforeAll(async () => {
    t = await startTestGateway({}, { trustGateway: true });
    // A secret only the victim has written, straight at the backend.
    const patched = await fetch(`${t.backends.urls.orders}/orders/${VICTIM_ORDER}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': '1', 'x-user-id': VICTIM },
      body: JSON.stringify({ note: VICTIM_NOTE }),
    });
    state.victimOrderVersion = ((await patched.json()) as { version: number }).version;
    const delta = await t.gql('{ ordersDelta(first: 1) { syncToken } }', { as: VICTIM });
    state.victimSyncToken = (delta.body.data?.ordersDelta as { syncToken: string }).syncToken;
    victimOrderAtBackend = await readVictimOrder();
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  /** Nothing of the victim's private data anywhere in the answer, and none of their orders in `data`. */
  const expectNoLeak = (body: GraphQLResponseBody) => {
    const text = JSON.stringify(body);
    expect(text).not.toContain(VICTIM_EMAIL);
    expect(text).not.toContain(VICTIM_NOTE);
    const data = JSON.stringify(body.data ?? null);
    for (const id of VICTIM_ORDER_IDS) expect(data).not.toContain(id);
  };

  const expectWriteRefused = async () => {
    expect(t.backends.orders.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(await readVictimOrder()).toEqual(victimOrderAtBackend);
  };

  it('the backends really trust the gateway: a direct PATCH naming another user succeeds', async () => {
    const response = await fetch(`${t.backends.urls.orders}/orders/o00101`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': '1', 'x-user-id': ATTACKER },
      body: JSON.stringify({ note: 'the backend does not check' }),
    });
    expect(response.status).toBe(200);
  });

  describe.each(OPERATIONS)('$name', (operation) => {
    it(`${ATTACKER_CREDENTIAL.name} → ${operation.otherViewer ?? 'public fields only'}`, async () => {
      const { body } = await t.gql(operation.query, { ...(await ATTACKER_CREDENTIAL.options(t)), variables: operation.variables(state) });
      if (operation.otherViewer === null) {
        expect(body.errors).toBeUndefined();
      } else {
        expect(body.errors?.map((e) => e.extensions?.code)).toEqual([operation.otherViewer]);
      }
      expectNoLeak(body);
      if (operation.write === true) await expectWriteRefused();
    });

    it.each(BAD_CREDENTIALS)('$name → UNAUTHENTICATED, no backend call', async (credential) => {
      const { body } = await t.gql(operation.query, { ...(await credential.options(t)), variables: operation.variables(state) });
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expectNoLeak(body);
      // Refused before any resolver asked a backend.
      for (const name of ['users', 'orders', 'catalog', 'recommendations'] as const) expect(t.backends[name].stats().requests).toBe(0);
      if (operation.write === true) await expectWriteRefused();
    });
  });

  it("user(id) shows another user's name and avatar, never their email", async () => {
    const { body } = await t.gql(`{ user(id: "${VICTIM}") { id name avatarUrl email } }`, { as: ATTACKER });
    expect(body).toEqual({
      data: { user: { id: VICTIM, name: expect.any(String), avatarUrl: `https://cdn.example.com/avatars/${VICTIM}.png`, email: null } },
    });
  });

  it("user(id).orders of another user nulls the user (orders is non-null) with FORBIDDEN at user.orders", async () => {
    const { body } = await t.gql(`{ user(id: "${VICTIM}") { id orders { nodes { id } } } }`, { as: ATTACKER });
    expect(body).toMatchObject({ data: { user: null }, errors: [{ path: ['user', 'orders'], extensions: { code: 'FORBIDDEN', retryable: false } }] });
  });

  describe.each(VIEWER_OPERATIONS)('$name (no id: acts for the viewer)', (operation) => {
    it('another viewer gets their own data, none of the victim\'s', async () => {
      const { body } = await t.gql(operation.query, await ATTACKER_CREDENTIAL.options(t));
      expect(body.errors).toBeUndefined();
      expectNoLeak(body);
    });

    it.each(BAD_CREDENTIALS)('$name → UNAUTHENTICATED, no backend call', async (credential) => {
      const { body } = await t.gql(operation.query, await credential.options(t));
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expectNoLeak(body);
      for (const name of ['users', 'orders', 'catalog', 'recommendations'] as const) expect(t.backends[name].stats().requests).toBe(0);
    });
  });

  // The trusting backends believe X-User-Id: a client that sends its own must never be
  // heard, signed in or not (the gateway sets the header from the verified token only).
  it("a client's own X-User-Id and Cookie never reach a backend: signed in, the verified viewer's id goes instead", async () => {
    const spoofed = { 'x-user-id': VICTIM, cookie: `session=${VICTIM}` };
    const { body } = await t.gql('{ viewer { id email } recommendations(first: 2) { id } }', { as: ATTACKER, headers: spoofed });
    expect(body.errors).toBeUndefined();
    expect(body.data?.viewer).toEqual({ id: ATTACKER, email: `${ATTACKER}@example.com` });
    expectNoLeak(body);
    const calls = (['users', 'orders', 'catalog', 'recommendations'] as const).flatMap((name) => t.backends[name].requests);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.headers).toMatchObject({ 'x-user-id': ATTACKER, cookie: undefined, authorization: undefined });
  });

  it("anonymously, a client's own X-User-Id and Cookie never reach a backend: no X-User-Id at all", async () => {
    const spoofed = { 'x-user-id': VICTIM, cookie: `session=${VICTIM}` };
    // A product nothing above asked for, so the catalog is called (not answered from the cache).
    const { body } = await t.gql('{ product(id: "p9") { id } }', { headers: spoofed });
    expect(body).toEqual({ data: { product: { id: 'p9' } } });
    const calls = t.backends.catalog.requests;
    expect(calls.length).toBe(1);
    expect(calls[0]!.headers).toMatchObject({ 'x-user-id': undefined, cookie: undefined, authorization: undefined });
  });

  describe.each(PUBLIC_OPERATIONS)('$name is public by design', (operation) => {
    it.each([ATTACKER_CREDENTIAL, ...BAD_CREDENTIALS])('$name → answers, no error', async (credential) => {
      const { body } = await t.gql(operation.query, await credential.options(t));
      expect(body).toEqual({ data: operation.data });
    });
  });
});
