import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

describe('auth: bearer JWT (HS256, sub = viewer id)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  const unauthenticated = (message: string) => ({
    data: { viewer: null, product: { id: 'p1' } },
    errors: [{ message, locations: [{ line: 1, column: 3 }], path: ['viewer'], extensions: { code: 'UNAUTHENTICATED', retryable: false } }],
  });

  it('no token: viewer is null with UNAUTHENTICATED; public fields still answer', async () => {
    const { status, body } = await t.gql('{ viewer { id } product(id: "p1") { id } }');
    expect(status).toBe(200);
    expect(body).toEqual(unauthenticated('Sign in required: send Authorization: Bearer <token>'));
  });

  it('a token signed with another secret is rejected the same way', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-gateway-secret-at-all-000'));
    const { body } = await t.gql('{ viewer { id } product(id: "p1") { id } }', { authorization: `Bearer ${forged}` });
    expect(body).toEqual(unauthenticated('The access token is not valid'));
  });

  it('an expired token says so', async () => {
    const expired = await t.token('u1', Math.floor(Date.now() / 1000) - 60);
    const { body } = await t.gql('{ viewer { id } product(id: "p1") { id } }', { authorization: `Bearer ${expired}` });
    expect(body).toEqual(unauthenticated('The access token has expired'));
  });

  it('garbage and alg=none tokens are rejected', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.`;
    for (const authorization of ['Bearer not.a.jwt', 'Basic dTE6cGFzcw==', `Bearer ${none}`]) {
      const { body } = await t.gql('{ viewer { id } product(id: "p1") { id } }', { authorization });
      expect(body).toEqual(unauthenticated('The access token is not valid'));
    }
  });

  it('an order of another user is FORBIDDEN; the viewer\'s own order answers', async () => {
    const own = await t.gql('{ order(id: "o00001") { id user { id } } }', { as: 'u1' });
    expect(own.body).toEqual({ data: { order: { id: 'o00001', user: { id: 'u1' } } } });

    const other = await t.gql('{ order(id: "o00001") { id } }', { as: 'u2' });
    expect(other.body).toEqual({
      data: { order: null },
      errors: [
        {
          message: 'This order belongs to another user',
          locations: [{ line: 1, column: 3 }],
          path: ['order'],
          extensions: { code: 'FORBIDDEN', retryable: false },
        },
      ],
    });
  });

  it("another user's email and orders are not visible", async () => {
    const { body } = await t.gql('{ user(id: "u2") { id email orders { nodes { id } } } }', { as: 'u1' });
    expect(body.data).toEqual({ user: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['user', 'orders'], extensions: { code: 'FORBIDDEN', retryable: false } })]);
    const emailOnly = await t.gql('{ user(id: "u2") { id email } viewer { email } }', { as: 'u1' });
    expect(emailOnly.body).toEqual({ data: { user: { id: 'u2', email: null }, viewer: { email: 'u1@example.com' } } });
  });

  it('forwards X-User-Id and X-Request-ID to every backend and echoes the request id', async () => {
    t.resetBackendStats();
    const { headers } = await t.gql('{ viewer { id orders(first: 1) { nodes { items { product { id } } } } } recommendations(first: 1) { id } }', {
      as: 'u4',
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(headers.get('x-request-id')).toBe('req-abc-123');
    const calls = (['users', 'orders', 'catalog', 'recommendations'] as const).flatMap((name) => t.backends[name].requests);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) {
      expect(call.headers['x-request-id']).toBe('req-abc-123');
      expect(call.headers['x-user-id']).toBe('u4');
      expect(call.headers.authorization).toBeUndefined();
    }
  });

  it('replaces an unacceptable X-Request-ID with a generated one', async () => {
    const { headers } = await t.gql('{ product(id: "p1") { id } }', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
