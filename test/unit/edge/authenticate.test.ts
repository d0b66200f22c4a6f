import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/edge/authenticate.js';
import { signDevToken } from '../../../src/edge/sign-dev-token.js';

const SECRET = 'unit-test-jwt-secret-0123456789-abcdef';
const KEY = new TextEncoder().encode(SECRET);
const authenticate = createAuthenticator({ secret: SECRET });
const nowSeconds = () => Math.floor(Date.now() / 1000);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS with any header, HMAC-SHA256-signed with `secret` whatever the header says. */
function handMadeJwt(header: unknown, payload: unknown, secret = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('signDevToken', () => {
  it('signs an HS256 JWT with sub, iat and a 12 h expiry by default', async () => {
    const before = nowSeconds();
    const token = await signDevToken('u1', SECRET);
    const after = nowSeconds();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('u1');
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(after);
    expect(claims.exp).toBe((claims.iat ?? 0) + 12 * 3600);
  });

  it('honours expiresIn as a duration or an absolute epoch time', async () => {
    const relative = decodeJwt(await signDevToken('u1', SECRET, { expiresIn: '5m' }));
    expect(relative.exp).toBe((relative.iat ?? 0) + 300);
    const absolute = decodeJwt(await signDevToken('u1', SECRET, { expiresIn: 2_000_000_000 }));
    expect(absolute.exp).toBe(2_000_000_000);
  });
});

describe('createAuthenticator', () => {
  it('a valid token is authenticated with the viewer id from sub', async () => {
    expect(await authenticate(`Bearer ${await signDevToken('u1', SECRET)}`)).toEqual({
      status: 'authenticated',
      viewerId: 'u1',
    });
  });

  it('accepts any case of the scheme and extra spaces before the token', async () => {
    const token = await signDevToken('user_42:eu.west-1', SECRET);
    expect(await authenticate(`bearer ${token}`)).toEqual({ status: 'authenticated', viewerId: 'user_42:eu.west-1' });
    expect(await authenticate(`BEARER   ${token}`)).toEqual({ status: 'authenticated', viewerId: 'user_42:eu.west-1' });
  });

  it('accepts a 128-character subject', async () => {
    const id = 'a'.repeat(128);
    expect(await authenticate(`Bearer ${await signDevToken(id, SECRET)}`)).toEqual({
      status: 'authenticated',
      viewerId: id,
    });
  });

  it('a missing header (null or empty) is anonymous', async () => {
    expect(await authenticate(null)).toEqual({ status: 'anonymous' });
    expect(await authenticate('')).toEqual({ status: 'anonymous' });
  });

  it('a token signed with another secret is invalid: bad_signature', async () => {
    const token = await signDevToken('u1', 'some-other-secret-entirely-9876543210');
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
  });

  it('a token with a tampered payload is invalid: bad_signature', async () => {
    const [header, , signature] = (await signDevToken('u1', SECRET)).split('.') as [string, string, string];
    const forged = `${header}.${b64({ sub: 'admin', exp: nowSeconds() + 3600 })}.${signature}`;
    expect(await authenticate(`Bearer ${forged}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
  });

  it('an expired token is invalid: expired', async () => {
    const token = await signDevToken('u1', SECRET, { expiresIn: nowSeconds() - 60 });
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'expired' });
  });

  it('an expired token with a wrong signature is bad_signature (signature checked first)', async () => {
    const token = await signDevToken('u1', 'some-other-secret-entirely-9876543210', { expiresIn: nowSeconds() - 60 });
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'bad_signature' });
  });

  it('a token without sub is invalid: no_subject', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(KEY);
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'no_subject' });
  });

  it.each([
    ['with spaces', 'u 1'],
    ['empty', ''],
    ['with a newline', 'u1\nadmin'],
    ['with a slash', 'u1/../admin'],
    ['longer than 128 characters', 'a'.repeat(129)],
  ])('a sub %s is invalid: no_subject', async (_label, sub) => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('1h').sign(KEY);
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'no_subject' });
  });

  it.each([
    ['a Basic scheme', 'Basic dTE6cGFzc3dvcmQ='],
    ['a token without scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two tokens', 'Bearer aaa bbb'],
    ['a trailing space', 'Bearer aaa.bbb.ccc '],
    ['Bearer glued to the token', 'Bearereyaaa.bbb.ccc'],
  ])('%s is invalid: malformed', async (_label, header) => {
    expect(await authenticate(header)).toEqual({ status: 'invalid', reason: 'malformed' });
  });

  it('a Bearer token that is not a JWT is invalid: malformed', async () => {
    expect(await authenticate('Bearer not-a-jwt')).toEqual({ status: 'invalid', reason: 'malformed' });
    expect(await authenticate('Bearer a.b.c')).toEqual({ status: 'invalid', reason: 'malformed' });
  });

  it('an unsigned alg=none token is invalid', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', exp: nowSeconds() + 3600 })}.`;
    const result = await authenticate(`Bearer ${none}`);
    expect(result).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
  });

  it('an RS256 header is refused even when HMAC-signed with the secret (algorithm confusion)', async () => {
    const token = handMadeJwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'u1', exp: nowSeconds() + 3600 });
    const result = await authenticate(`Bearer ${token}`);
    expect(result).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
  });

  it('HS512 is refused: only HS256 is allowed', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('u1').setExpirationTime('1h').sign(KEY);
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'disallowed_algorithm' });
  });

  it('the hand-made HS256 helper produces tokens the authenticator accepts (control)', async () => {
    const token = handMadeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', exp: nowSeconds() + 3600 });
    expect(await authenticate(`Bearer ${token}`)).toEqual({ status: 'authenticated', viewerId: 'u1' });
  });

  it('a token not valid before a future time is invalid', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setNotBefore('1h').sign(KEY);
    expect((await authenticate(`Bearer ${token}`)).status).toBe('invalid');
  });
});

describe('createAuthenticator: tokens must expire', () => {
  it('refuses a token without exp, which would never expire', async () => {
    const secret = 'no-exp-secret-0123456789abcdef';
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(new TextEncoder().encode(secret));
    expect(await createAuthenticator({ secret })(`Bearer ${token}`)).toEqual({ status: 'invalid', reason: 'malformed' });
  });
});

describe('createAuthenticator: the rate-limit tier claim', () => {
  it('carries the `tier` claim of a verified token, and none when the token has none', async () => {
    expect(await authenticate(`Bearer ${await signDevToken('u1', SECRET, { claims: { tier: 'premium' } })}`)).toEqual({
      status: 'authenticated',
      viewerId: 'u1',
      tier: 'premium',
    });
    expect(await authenticate(`Bearer ${await signDevToken('u1', SECRET)}`)).not.toHaveProperty('tier');
  });

  it('reads the claim RATE_LIMIT_TIER_CLAIM names instead, even a namespaced one', async () => {
    const byPlan = createAuthenticator({ secret: SECRET, tierClaim: 'https://example.com/plan' });
    const token = await signDevToken('u1', SECRET, { claims: { 'https://example.com/plan': 'partner', tier: 'premium' } });
    expect(await byPlan(`Bearer ${token}`)).toEqual({ status: 'authenticated', viewerId: 'u1', tier: 'partner' });
  });

  it.each([[42], [['premium']], [{ name: 'premium' }], ['has space'], ['x'.repeat(65)], ['']])(
    'a tier claim %j is no tier (the default limit) and the viewer is still authenticated',
    async (tier) => {
      const result = await authenticate(`Bearer ${await signDevToken('u1', SECRET, { claims: { tier } })}`);
      expect(result).toEqual({ status: 'authenticated', viewerId: 'u1' });
      expect(result).not.toHaveProperty('tier');
    },
  );

  it('an inherited property name is not a claim', async () => {
    const byProto = createAuthenticator({ secret: SECRET, tierClaim: 'constructor' });
    expect(await byProto(`Bearer ${await signDevToken('u1', SECRET)}`)).not.toHaveProperty('tier');
  });
});
