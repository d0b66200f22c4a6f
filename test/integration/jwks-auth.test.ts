import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { createSigningKey, startJwksServer, type JwksServer, type SigningKey } from '../helpers/start-jwks-server.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'mobile-gateway';
const CLAIMS = { iss: ISSUER, aud: AUDIENCE };
const COOLDOWN_MS = 10_000;
const QUERY = '{ viewer { id name } product(id: "p1") { id } }';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

const unauthenticated = (message = 'The access token is not valid') => ({
  data: { viewer: null, product: { id: 'p1' } },
  errors: [{ message, locations: [{ line: 1, column: 3 }], path: ['viewer'], extensions: { code: 'UNAUTHENTICATED', retryable: false } }],
});

/** The gateway with HS256 (the test secret) and a local identity provider, on a clock the test moves. */
async function gatewayFor(idp: JwksServer, env: Record<string, string> = {}, gatewayConfig: Record<string, unknown> = {}) {
  // Starts at the real time: tokens are signed with real `iat`/`exp`, and the gateway checks them on this clock.
  const clock = { at: Date.now() };
  const t = await startTestGateway(
    { JWT_JWKS_URL: idp.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, CLIENT_RATE_LIMIT: '100000/60', ...env },
    { now: () => clock.at, ...(Object.keys(gatewayConfig).length === 0 ? {} : { gatewayConfig }) },
  );
  return { t, clock };
}

describe('tokens of an identity provider (JWT_JWKS_URL), end to end over HTTP', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let idp: JwksServer;
  let t: TestGateway;
  let clock: { at: number };
  beforeAll(async () => {
    [rsa, ec] = await Promise.all([createSigningKey('RS256', 'rsa-2026-01'), createSigningKey('ES256', 'ec-2026-01')]);
    idp = await startJwksServer([rsa, ec]);
    ({ t, clock } = await gatewayFor(idp));
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  it('serves the viewer of an RS256 and of an ES256 token, forwarding the verified id to the backends', async () => {
    t.resetBackendStats();
    const viaRsa = await t.gql(QUERY, { authorization: `Bearer ${await rsa.sign({ ...CLAIMS, sub: 'u1' })}` });
    expect(viaRsa.status).toBe(200);
    expect(viaRsa.body).toEqual({ data: { viewer: { id: 'u1', name: expect.any(String) }, product: { id: 'p1' } } });
    const viaEc = await t.gql(QUERY, { authorization: `Bearer ${await ec.sign({ ...CLAIMS, sub: 'u2' })}` });
    expect(viaEc.body).toEqual({ data: { viewer: { id: 'u2', name: expect.any(String) }, product: { id: 'p1' } } });
    expect(t.backends.users.requests.map((r) => r.headers['x-user-id'])).toEqual(['u1', 'u2']);
    // HS256 tokens with JWT_SECRET keep working beside the provider.
    expect((await t.gql('{ viewer { id } }', { as: 'u3' })).body).toEqual({ data: { viewer: { id: 'u3' } } });
  });

  it.each([
    ['a wrong issuer', async () => rsa.sign({ ...CLAIMS, iss: 'https://evil.example.com/', sub: 'u1' })],
    ['a wrong audience', async () => ec.sign({ ...CLAIMS, aud: 'another-api', sub: 'u1' })],
    ['an unknown kid', async () => (await createSigningKey('RS256', 'not-published')).sign({ ...CLAIMS, sub: 'u1' })],
    ['alg none', async () => `${b64({ alg: 'none', kid: rsa.kid })}.${b64({ ...CLAIMS, sub: 'u1', exp: nowSeconds() + 3600 })}.`],
    [
      'HS256 with the provider\'s public key as secret (algorithm confusion)',
      async () => {
        const { SignJWT } = await import('jose');
        return new SignJWT({ ...CLAIMS, sub: 'u1' })
          .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(rsa.publicPem));
      },
    ],
    ['a user claim that is not a valid id', async () => rsa.sign({ ...CLAIMS, sub: 'u1/../admin' })],
  ])('refuses a token with %s: UNAUTHENTICATED, public fields still answer', async (_label, token) => {
    const { status, body } = await t.gql(QUERY, { authorization: `Bearer ${await token()}` });
    expect(status).toBe(200);
    expect(body).toEqual(unauthenticated());
  });

  it('the access log says why a token was refused (a misconfigured JWT_AUDIENCE shows at once)', async () => {
    const token = await ec.sign({ ...CLAIMS, aud: 'another-api', sub: 'u1' });
    const { headers } = await t.gql('{ viewer { id } }', { authorization: `Bearer ${token}` });
    const line = t.logs.find((entry) => entry.msg === 'request' && entry.requestId === headers.get('x-request-id'));
    expect(line).toMatchObject({ tokenRefused: 'wrong_audience', viewerId: null });
  });

  it('an expired token says so', async () => {
    const expired = await rsa.sign({ ...CLAIMS, sub: 'u1', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });
    expect((await t.gql(QUERY, { authorization: `Bearer ${expired}` })).body).toEqual(unauthenticated('The access token has expired'));
  });

  it('follows a key rotation without a restart: the new kid is accepted, the removed key refused (cached tokens too)', async () => {
    const next = await createSigningKey('ES256', 'ec-2026-02');
    const oldToken = `Bearer ${await ec.sign({ ...CLAIMS, sub: 'u4' })}`;
    expect((await t.gql('{ viewer { id } }', { authorization: oldToken })).body).toEqual({ data: { viewer: { id: 'u4' } } });

    idp.publish([rsa, next]);
    clock.at += COOLDOWN_MS;
    const before = idp.fetches;
    const newToken = `Bearer ${await next.sign({ ...CLAIMS, sub: 'u5' })}`;
    expect((await t.gql('{ viewer { id } }', { authorization: newToken })).body).toEqual({ data: { viewer: { id: 'u5' } } });
    expect(idp.fetches - before).toBe(1);
    // The old token was cached as verified; the key set changed, so it is checked again and refused.
    expect((await t.gql('{ viewer { id } }', { authorization: oldToken })).body).toEqual({
      data: { viewer: null },
      errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', retryable: false } })],
    });
    expect((await t.gql(QUERY, { authorization: `Bearer ${await ec.sign({ ...CLAIMS, sub: 'u4' })}` })).body).toEqual(unauthenticated());
    expect(idp.fetches - before).toBe(1);
    expect((await t.gql('{ viewer { id } }', { authorization: newToken })).body).toEqual({ data: { viewer: { id: 'u5' } } });
  });

  it('a flood of made-up kids costs the provider at most one fetch per cooldown (counted at the provider)', async () => {
    const forger = await createSigningKey('RS256', 'forger');
    const before = idp.fetches;
    const rounds = 4;
    for (let round = 0; round < rounds; round += 1) {
      clock.at += COOLDOWN_MS;
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) =>
          t.gql('{ viewer { id } }', { authorization: `Bearer ${await forger.sign({ ...CLAIMS, sub: 'u1' }, { kid: `bogus-${round}-${i}` })}` }),
        ),
      );
      for (const { body } of answers) expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', retryable: false });
    }
    // 160 requests with unknown kids over 4 cooldowns: one fetch per cooldown, not one per request.
    expect(idp.fetches - before).toBe(rounds);
  });
});

describe('an identity provider that does not answer', () => {
  let rsa: SigningKey;
  let idp: JwksServer;
  let t: TestGateway;
  let clock: { at: number };
  beforeAll(async () => {
    rsa = await createSigningKey('RS256', 'rsa-1');
    idp = await startJwksServer([rsa]);
    idp.setMode('hang');
    ({ t, clock } = await gatewayFor(idp, {}, { jwks: { timeoutMs: 200 } }));
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  it('answers at once with a retryable SERVICE_UNAVAILABLE on the viewer fields (not UNAUTHENTICATED), the rest of the query served', async () => {
    const token = `Bearer ${await rsa.sign({ ...CLAIMS, sub: 'u1' })}`;
    const started = performance.now();
    const { status, body } = await t.gql(QUERY, { authorization: token });
    const elapsedMs = performance.now() - started;
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: null, product: { id: 'p1' } });
    expect(body.errors).toEqual([
      {
        // The gateway's clock has not moved since its one fetch: the whole cooldown is left.
        message: 'Sign-in cannot be checked right now: try again in 10 s',
        locations: [{ line: 1, column: 3 }],
        path: ['viewer'],
        extensions: { code: 'SERVICE_UNAVAILABLE', service: 'identity-provider', retryable: true, retryAfter: 10 },
      },
    ]);
    expect(body.extensions?.degraded).toEqual([
      { service: 'identity-provider', code: 'SERVICE_UNAVAILABLE', retryAfter: 10, stale: false },
    ]);
    // The provider never answers: an answer at all proves the wait was bounded (by jwks.timeoutMs, 200 ms).
    expect(elapsedMs).toBeLessThan(5_000);
    expect(t.logs.some((line) => line.msg === 'identity provider key set fetch failed' && line.error === 'no answer within 200 ms')).toBe(true);
  });

  it('asks again only after the cooldown; meanwhile answers without waiting; the server stays up; recovers when the provider does', async () => {
    const token = `Bearer ${await rsa.sign({ ...CLAIMS, sub: 'u2' })}`;
    const before = idp.fetches;
    for (let i = 0; i < 10; i += 1) {
      const { body } = await t.gql('{ viewer { id } }', { authorization: token });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    }
    expect(idp.fetches).toBe(before);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const detailed = (await (await fetch(`${t.url}/health/detailed`)).json()) as { jwks?: unknown };
    expect(detailed.jwks).toEqual({ keys: 0, generation: 0, ageSeconds: null, lastError: 'no answer within 200 ms' });

    idp.setMode('ok');
    clock.at += COOLDOWN_MS;
    expect((await t.gql('{ viewer { id } }', { authorization: token })).body).toEqual({ data: { viewer: { id: 'u2' } } });
    expect(idp.fetches).toBe(before + 1);
    // HS256 never depended on the provider.
    expect((await t.gql('{ viewer { id } }', { as: 'u3' })).body).toEqual({ data: { viewer: { id: 'u3' } } });
  });
});
