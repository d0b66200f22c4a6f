import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSyncTokenCodec } from '../../../src/sync/sync-token-codec.js';

const SECRET = 'unit-test-sync-token-secret-0123456789';
const T0 = 1_700_000_000_000; // a whole second, in ms
const BASE64URL_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A token with a valid HMAC over any body text we like. */
function signedToken(bodyText: string, secret = SECRET): string {
  const body = Buffer.from(bodyText).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Replaces the character at `index` with a different base64url character. */
function flipChar(text: string, index: number): string {
  const c = text[index];
  const replacement = c === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function clock(start = T0) {
  let t = start;
  return { now: () => t, set: (ms: number) => void (t = ms) };
}

describe('sync token codec', () => {
  it('round-trips user, seq and the payload fields', () => {
    const codec = createSyncTokenCodec({ secret: SECRET, now: () => T0, ttlSeconds: 600 });
    const token = codec.encode('u1', { phase: 'feed', seq: 42 });
    expect(codec.decode(token, 'u1')).toEqual({
      status: 'valid',
      payload: { v: 1, userId: 'u1', seq: 42, phase: 'feed', exp: T0 / 1000 + 600 },
    });
  });

  it('defaults the lifetime to 30 days', () => {
    const codec = createSyncTokenCodec({ secret: SECRET, now: () => T0 });
    expect(payloadOf(codec.encode('u1', { phase: 'feed', seq: 0 })).exp).toBe(T0 / 1000 + 30 * 24 * 3600);
  });

  it('round-trips seq 0 and a large safe seq', () => {
    const codec = createSyncTokenCodec({ secret: SECRET });
    for (const seq of [0, Number.MAX_SAFE_INTEGER]) {
      const decoded = codec.decode(codec.encode('u1', { phase: 'feed', seq: seq }), 'u1');
      expect(decoded.status).toBe('valid');
      expect(decoded.status === 'valid' && decoded.payload.seq).toBe(seq);
    }
  });

  it('a token from a codec with the same secret is valid; another secret makes it invalid', () => {
    const a = createSyncTokenCodec({ secret: SECRET });
    const b = createSyncTokenCodec({ secret: SECRET });
    const other = createSyncTokenCodec({ secret: 'a-completely-different-secret-000' });
    const token = a.encode('u1', { phase: 'feed', seq: 7 });
    expect(b.decode(token, 'u1').status).toBe('valid');
    expect(other.decode(token, 'u1')).toEqual({ status: 'invalid', reason: 'signature mismatch' });
  });

  it.each([
    ['plain ids', 'u1'],
    ['characters whose base64 contains + and /', '~~~???>>>ÿþ'],
    ['unicode', 'Zoë-用户-🙂'],
  ])('is base64url only (no +, /, =) for %s', (_label, userId) => {
    const codec = createSyncTokenCodec({ secret: SECRET });
    for (let seq = 0; seq < 20; seq++) {
      const token = codec.encode(userId, { phase: 'feed', seq: seq });
      expect(token).toMatch(BASE64URL_TOKEN);
      expect(codec.decode(token, userId).status).toBe('valid');
    }
  });

  it('rejects a tampered payload', () => {
    const codec = createSyncTokenCodec({ secret: SECRET });
    const token = codec.encode('u1', { phase: 'feed', seq: 5 });
    const [body, signature] = token.split('.') as [string, string];
    // Same signature, payload re-encoded with a different seq.
    const forgedBody = Buffer.from(JSON.stringify({ ...payloadOf(token), seq: 0 })).toString('base64url');
    expect(codec.decode(`${forgedBody}.${signature}`, 'u1')).toEqual({ status: 'invalid', reason: 'signature mismatch' });
    // One character of the body changed.
    expect(codec.decode(`${flipChar(body, 5)}.${signature}`, 'u1')).toEqual({
      status: 'invalid',
      reason: 'signature mismatch',
    });
  });

  it('rejects a tampered signature', () => {
    const codec = createSyncTokenCodec({ secret: SECRET });
    const [body, signature] = codec.encode('u1', { phase: 'feed', seq: 5 }).split('.') as [string, string];
    expect(codec.decode(`${body}.${flipChar(signature, 0)}`, 'u1')).toEqual({
      status: 'invalid',
      reason: 'signature mismatch',
    });
    expect(codec.decode(`${body}.${flipChar(signature, 20)}`, 'u1').status).toBe('invalid');
    // Truncated and empty signatures.
    expect(codec.decode(`${body}.${signature.slice(0, -4)}`, 'u1').status).toBe('invalid');
    expect(codec.decode(`${body}.`, 'u1').status).toBe('invalid');
  });

  it("rejects another user's token", () => {
    const codec = createSyncTokenCodec({ secret: SECRET });
    const token = codec.encode('u1', { phase: 'feed', seq: 5 });
    expect(codec.decode(token, 'u2')).toEqual({ status: 'invalid', reason: 'issued to another user' });
    expect(codec.decode(token, 'U1')).toEqual({ status: 'invalid', reason: 'issued to another user' });
    expect(codec.decode(token, '')).toEqual({ status: 'invalid', reason: 'issued to another user' });
  });

  it('is valid until exp and expired from exp on (injected clock)', () => {
    const c = clock();
    const codec = createSyncTokenCodec({ secret: SECRET, ttlSeconds: 60, now: c.now });
    const token = codec.encode('u1', { phase: 'feed', seq: 3 });
    c.set(T0 + 59_999);
    expect(codec.decode(token, 'u1').status).toBe('valid');
    c.set(T0 + 60_000);
    expect(codec.decode(token, 'u1')).toEqual({ status: 'expired' });
    c.set(T0 + 10 * 24 * 3600 * 1000);
    expect(codec.decode(token, 'u1')).toEqual({ status: 'expired' });
  });

  it('checks the owner before expiry: an expired token of another user is invalid', () => {
    const c = clock();
    const codec = createSyncTokenCodec({ secret: SECRET, ttlSeconds: 60, now: c.now });
    const token = codec.encode('u1', { phase: 'feed', seq: 3 });
    c.set(T0 + 120_000);
    expect(codec.decode(token, 'u1')).toEqual({ status: 'expired' });
    expect(codec.decode(token, 'u2')).toEqual({ status: 'invalid', reason: 'issued to another user' });
  });

  it('checks the signature before expiry: a tampered expired token is invalid', () => {
    const c = clock();
    const codec = createSyncTokenCodec({ secret: SECRET, ttlSeconds: 60, now: c.now });
    const [body, signature] = codec.encode('u1', { phase: 'feed', seq: 3 }).split('.') as [string, string];
    c.set(T0 + 120_000);
    expect(codec.decode(`${body}.${flipChar(signature, 3)}`, 'u1').status).toBe('invalid');
  });

  it('a token from a codec with a later clock is not yet expired for a decoder with an earlier one', () => {
    const issuer = createSyncTokenCodec({ secret: SECRET, ttlSeconds: 60, now: () => T0 });
    const verifier = createSyncTokenCodec({ secret: SECRET, now: () => T0 + 30_000 });
    expect(verifier.decode(issuer.encode('u1', { phase: 'feed', seq: 1 }), 'u1').status).toBe('valid');
  });

  describe('malformed strings are invalid, never thrown', () => {
    const codec = createSyncTokenCodec({ secret: SECRET, now: () => T0 });
    const good = codec.encode('u1', { phase: 'feed', seq: 5 });

    it.each([
      ['empty', ''],
      ['no dot', good.replace('.', '')],
      ['three parts', `${good}.extra`],
      ['a JWT-looking string', 'aaa.bbb.ccc'],
      ['spaces', 'hello world'],
    ])('%s', (_label, token) => {
      expect(codec.decode(token, 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    });

    it('a lone dot (two empty parts)', () => {
      // Empty body and signature are not canonical base64url: refused before any HMAC.
      expect(codec.decode('.', 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    });

    it('a huge string', () => {
      const huge = `${'A'.repeat(100_000)}.${'B'.repeat(43)}`;
      expect(codec.decode(huge, 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    });

    it('a correctly signed but oversized token (> 1024 chars) is refused', () => {
      const big = signedToken(JSON.stringify({ v: 1, userId: 'u1', seq: 1, phase: 'feed', exp: T0 / 1000 + 60, pad: 'x'.repeat(1000) }));
      expect(big.length).toBeGreaterThan(1024);
      expect(codec.decode(big, 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    });

    it('bad base64 in either part', () => {
      expect(codec.decode('%%%%.^^^^', 'u1').status).toBe('invalid');
      expect(codec.decode(`${good.split('.')[0]}.@@@@`, 'u1').status).toBe('invalid');
    });

    it('a valid signature over a body that is not JSON', () => {
      expect(codec.decode(signedToken('not json at all'), 'u1')).toEqual({ status: 'invalid', reason: 'unreadable payload' });
      expect(codec.decode(signedToken(''), 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    });

    const exp = T0 / 1000 + 3600;
    const ok = { v: 1, userId: 'u1', seq: 5, phase: 'feed', exp };
    it.each([
      ['null', null],
      ['an array', [1, 2]],
      ['a number', 42],
      ['a string', 'u1'],
      ['version 2', { ...ok, v: 2 }],
      ['missing v', { userId: 'u1', seq: 5, phase: 'feed', exp }],
      ['numeric userId', { ...ok, userId: 1 }],
      ['string seq', { ...ok, seq: '5' }],
      ['negative seq', { ...ok, seq: -1 }],
      ['fractional seq', { ...ok, seq: 1.5 }],
      ['unsafe seq', { ...ok, seq: 2 ** 60 }],
      ['other phase', { ...ok, phase: 'snapshot' }],
      ['missing exp', { v: 1, userId: 'u1', seq: 5, phase: 'feed' }],
      ['string exp', { ...ok, exp: String(exp) }],
      ['fractional exp', { ...ok, exp: exp + 0.5 }],
    ])('a valid signature over a wrong-shape payload: %s', (_label, payload) => {
      expect(codec.decode(signedToken(JSON.stringify(payload)), 'u1')).toEqual({
        status: 'invalid',
        reason: 'unknown payload',
      });
    });

    it('a hand-built token of the right shape is valid (the helper itself is right)', () => {
      expect(codec.decode(signedToken(JSON.stringify(ok)), 'u1')).toEqual({ status: 'valid', payload: ok });
    });
  });
});

describe('sync token codec: one token string per payload', () => {
  const codec = createSyncTokenCodec({ secret: 'canonical-secret-0123456789abcdef' });
  it('refuses a signature with stray or non-canonical characters', () => {
    const token = codec.encode('u1', { phase: 'feed', seq: 3 });
    expect(codec.decode(token, 'u1').status).toBe('valid');
    for (const variant of [`${token}=`, `${token}!`, `${token} `, `${token}==`]) {
      expect(codec.decode(variant, 'u1')).toEqual({ status: 'invalid', reason: 'not a sync token' });
    }
    const last = token.at(-1)!;
    const sibling = String.fromCharCode(last.charCodeAt(0) + 1);
    expect(codec.decode(token.slice(0, -1) + sibling, 'u1').status).toBe('invalid');
  });

  it('refuses to encode a position that decode would reject', () => {
    expect(() => codec.encode('u1', { phase: 'feed', seq: -1 })).toThrow(TypeError);
    expect(() => codec.encode('u1', { phase: 'feed', seq: 1.5 })).toThrow(TypeError);
  });
});

describe('sync token codec: snapshot positions', () => {
  const codec = createSyncTokenCodec({ secret: 'snapshot-secret-0123456789abcdef' });
  it('round-trips a snapshot position with its cursor', () => {
    const token = codec.encode('u1', { phase: 'snapshot', seq: 12, cursor: 'o00051' });
    expect(codec.decode(token, 'u1')).toEqual({
      status: 'valid',
      payload: { v: 1, userId: 'u1', seq: 12, phase: 'snapshot', cursor: 'o00051', exp: expect.any(Number) },
    });
  });
});
