import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type AuthenticatorOptions } from '../../../src/edge/authenticate.js';
import { createRemoteKeySet } from '../../../src/edge/remote-key-set.js';
import { signDevToken } from '../../../src/edge/sign-dev-token.js';
import { createSigningKey, startJwksServer, type JwksServer, type SigningKey } from '../../helpers/start-jwks-server.js';

const SECRET = 'unit-test-jwt-secret-0123456789-abcdef';
const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'mobile-gateway';
const CLAIMS = { sub: 'u1', iss: ISSUER, aud: AUDIENCE };
const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let rsa: SigningKey;
let ec: SigningKey;
let server: JwksServer;
beforeAll(async () => {
  [rsa, ec] = await Promise.all([createSigningKey('RS256', 'rsa-1'), createSigningKey('ES256', 'ec-1')]);
  server = await startJwksServer([rsa, ec]);
});
afterAll(() => server.close());

/** An authenticator for the local provider (and, with `secret`, HS256 beside it). */
function authenticatorFor(options: Partial<AuthenticatorOptions> & { userClaim?: string; clock?: () => number } = {}) {
  const keySet = createRemoteKeySet({
    url: server.url,
    timeoutMs: 1000,
    cooldownMs: 10_000,
    maxAgeMs: 600_000,
    ...(options.clock === undefined ? {} : { now: options.clock }),
  });
  return createAuthenticator({
    secret: options.secret ?? null,
    jwks: { keySet, issuer: ISSUER, audience: [AUDIENCE, 'other-app'], ...(options.userClaim === undefined ? {} : { userClaim: options.userClaim }) },
    ...(options.tierClaim === undefined ? {} : { tierClaim: options.tierClaim }),
  });
}

/** A compact JWS with any header, HMAC-SHA256-signed with `key` whatever the header says. */
function hmacJwt(header: unknown, payload: unknown, key: string | Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe('createAuthenticator with an identity provider (JWKS)', () => {
  it('accepts RS256 and ES256 tokens of the provider, the viewer id from sub, the tier claim as before', async () => {
    const authenticate = authenticatorFor();
    expect(await authenticate(`Bearer ${await rsa.sign(CLAIMS)}`)).toEqual({ status: 'authenticated', viewerId: 'u1' });
    expect(await authenticate(`Bearer ${await ec.sign({ ...CLAIMS, sub: 'u2', tier: 'premium' })}`)).toEqual({
      status: 'authenticated',
      viewerId: 'u2',
      tier: 'premium',
    });
    // aud may be an array naming one of the configured audiences.
    expect(await authenticate(`Bearer ${await rsa.sign({ ...CLAIMS, aud: ['someone-else', 'other-app'] })}`)).toMatchObject({ status: 'authenticated' });
  });

  it('reads the viewer id from JWT_USER_CLAIM, which must hold an id the gateway accepts', async () => {
    const authenticate = authenticatorFor({ userClaim: 'https://example.com/user_id' });
    const withClaim = await rsa.sign({ ...CLAIMS, sub: 'idp|opaque', 'https://example.com/user_id': 'u7' });
    expect(await authenticate(`Bearer ${withClaim}`)).toEqual({ status: 'authenticated', viewerId: 'u7' });
    for (const value of [undefined, '', 42, ['u7'], 'u 7', 'a'.repeat(129), 'u7/../admin']) {
      const token = await rsa.sign({ ...CLAIMS, sub: 'u1', ...(value === undefined ? {} : { 'https://example.com/user_id': value }) });
      expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'no_subject' });
    }
  });

  it.each([
    ['a wrong issuer', { iss: 'https://evil.example.com/' }, 'wrong_issuer'],
    ['no issuer', { iss: undefined }, 'wrong_issuer'],
    ['a wrong audience', { aud: 'another-api' }, 'wrong_audience'],
    ['no audience', { aud: undefined }, 'wrong_audience'],
    ['no exp', { exp: undefined }, 'malformed'],
    ['an exp in the past', { exp: nowSeconds() - 60 }, 'expired'],
    ['an nbf in the future', { nbf: nowSeconds() + 3600 }, 'malformed'],
    ['no sub', { sub: undefined }, 'no_subject'],
  ])('refuses a token with %s', async (_label, change, reason) => {
    const authenticate = authenticatorFor();
    const claims: Record<string, unknown> = { ...CLAIMS, iat: nowSeconds(), exp: nowSeconds() + 3600, ...change };
    for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: rsa.kid }).sign(rsa.privateKey);
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason });
  });

  it('refuses a token whose kid the provider does not publish (after asking it once)', async () => {
    const stranger = await createSigningKey('RS256', 'stranger');
    const before = server.fetches;
    const authenticate = authenticatorFor();
    expect(await authenticate(`Bearer ${await stranger.sign(CLAIMS)}`)).toEqual({ status: 'invalid', reason: 'unknown_key' });
    // A kid the provider publishes, signed by someone else's key.
    expect(await authenticate(`Bearer ${await stranger.sign(CLAIMS, { kid: rsa.kid })}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
    expect(server.fetches - before).toBe(1);
  });

  describe('algorithm confusion is impossible', () => {
    const forms = () => [
      ['its PEM', rsa.publicPem],
      ['its JWK as JSON', JSON.stringify(rsa.jwk)],
      ['its modulus', Buffer.from(rsa.jwk.n!, 'base64url')],
    ] as const;

    it('an HS256 token "signed" with the provider\'s public key is refused when HS256 is off (no JWT_SECRET)', async () => {
      const authenticate = authenticatorFor();
      for (const [, key] of forms()) {
        const token = hmacJwt({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' }, { ...CLAIMS, exp: nowSeconds() + 3600 }, key);
        expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
      }
    });

    it('…and meets JWT_SECRET, not the public key, when both are configured', async () => {
      const authenticate = authenticatorFor({ secret: SECRET });
      for (const [, key] of forms()) {
        const token = hmacJwt({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' }, { ...CLAIMS, exp: nowSeconds() + 3600 }, key);
        expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
      }
      // Both kinds of token still work side by side.
      expect(await authenticate(`Bearer ${await signDevToken('dev-user', SECRET)}`)).toEqual({ status: 'authenticated', viewerId: 'dev-user' });
      expect(await authenticate(`Bearer ${await ec.sign(CLAIMS)}`)).toEqual({ status: 'authenticated', viewerId: 'u1' });
    });

    it('an RS256 header on an HMAC made with JWT_SECRET is refused (the secret is never an RSA key)', async () => {
      const authenticate = authenticatorFor({ secret: SECRET });
      const token = hmacJwt({ alg: 'RS256', kid: rsa.kid }, { ...CLAIMS, exp: nowSeconds() + 3600 }, SECRET);
      expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
    });

    it.each([
      ['none', { alg: 'none' }],
      ['RS512', { alg: 'RS512', kid: 'rsa-1' }],
      ['PS256', { alg: 'PS256', kid: 'rsa-1' }],
      ['ES384', { alg: 'ES384', kid: 'ec-1' }],
      ['EdDSA', { alg: 'EdDSA' }],
      ['no alg', { kid: 'rsa-1' }],
    ])('alg %s is refused without a key lookup', async (_label, header) => {
      const authenticate = authenticatorFor({ secret: SECRET });
      const before = server.fetches;
      const token = `${b64(header)}.${b64({ ...CLAIMS, exp: nowSeconds() + 3600 })}.`;
      expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
      expect(await authenticate(`Bearer ${token}sig`)).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
      expect(server.fetches).toBe(before);
    });

    it('an ES256 header cannot borrow the RSA key: the kid names a key of another family', async () => {
      const authenticate = authenticatorFor();
      expect(await authenticate(`Bearer ${await ec.sign(CLAIMS, { kid: rsa.kid })}`)).toEqual({ status: 'invalid', reason: 'unknown_key' });
    });
  });

  it('a cached token is verified again once the key set changes: a removed key stops working for it too', async () => {
    const local = await startJwksServer([rsa, ec]);
    let at = 0;
    const keySet = createRemoteKeySet({ url: local.url, timeoutMs: 1000, cooldownMs: 10_000, maxAgeMs: 60_000, now: () => at });
    const authenticate = createAuthenticator({ jwks: { keySet, issuer: ISSUER, audience: [AUDIENCE] } });
    const token = `Bearer ${await rsa.sign(CLAIMS)}`;
    expect(await authenticate(token)).toMatchObject({ status: 'authenticated' });
    expect(await authenticate(token)).toMatchObject({ status: 'authenticated' });
    local.publish([ec]);
    at += 60_000;
    await authenticate(token); // still the old keys: this one starts the background refresh
    await keySet.warmUp();
    expect(keySet.generation()).toBe(2);
    expect(await authenticate(token)).toEqual({ status: 'invalid', reason: 'unknown_key' });
    expect(local.fetches).toBe(2);
    await local.close();
  });

  it('a token the provider could not be asked about is "unavailable", with when to retry', async () => {
    const down = await startJwksServer([rsa]);
    down.setMode('hang');
    const keySet = createRemoteKeySet({ url: down.url, timeoutMs: 100, cooldownMs: 10_000, maxAgeMs: 600_000 });
    const authenticate = createAuthenticator({ secret: SECRET, jwks: { keySet, issuer: ISSUER, audience: [AUDIENCE] } });
    expect(await authenticate(`Bearer ${await rsa.sign(CLAIMS)}`)).toEqual({ status: 'unavailable', retryAfter: 10 });
    // HS256 tokens do not depend on the provider.
    expect(await authenticate(`Bearer ${await signDevToken('u1', SECRET)}`)).toEqual({ status: 'authenticated', viewerId: 'u1' });
    await down.close();
  });
});

