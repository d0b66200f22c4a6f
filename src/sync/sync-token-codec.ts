import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a sync token remembers. Opaque to the app. */
export interface SyncTokenPayload {
  /** Format version. */
  v: 1;
  /** The user the token was issued to; another user's token is invalid. */
  userId: string;
  /**
   * Change-feed position. In the `feed` phase every change with seq ≤ this was
   * delivered; in the `snapshot` phase it is where the feed stood when the snapshot began.
   */
  seq: number;
  /** `snapshot`: the initial full listing is under way (at `cursor`); `feed`: following changes. */
  phase: 'snapshot' | 'feed';
  /** Snapshot phase only: the last order id delivered (orders are listed by id). */
  cursor?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type DecodedSyncToken =
  | { status: 'valid'; payload: SyncTokenPayload }
  | { status: 'invalid'; reason: string }
  | { status: 'expired' };

/** Where the next page of a sync starts. */
export type SyncPosition = { phase: 'feed'; seq: number } | { phase: 'snapshot'; seq: number; cursor: string };

export interface SyncTokenCodec {
  encode(userId: string, position: SyncPosition): string;
  /** Checks signature, shape, owner and expiry, in that order. */
  decode(token: string, userId: string): DecodedSyncToken;
}

export interface SyncTokenCodecOptions {
  /** HMAC-SHA256 key (SYNC_TOKEN_SECRET). */
  secret: string;
  /** Token lifetime. @default 30 days */
  ttlSeconds?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** `base64url(JSON payload) . base64url(HMAC-SHA256(payload))`. */
export function createSyncTokenCodec(options: SyncTokenCodecOptions): SyncTokenCodec {
  const ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
  const now = options.now ?? Date.now;
  const sign = (body: string) => createHmac('sha256', options.secret).update(body).digest();

  return {
    encode(userId, position) {
      const { seq } = position;
      if (!Number.isSafeInteger(seq) || seq < 0) throw new TypeError(`sync token seq must be a non-negative integer, got ${seq}`);
      const payload: SyncTokenPayload = { v: 1, userId, seq, phase: position.phase, exp: Math.floor(now() / 1000) + ttlSeconds };
      if (position.phase === 'snapshot') payload.cursor = position.cursor;
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },

    decode(token, userId) {
      const parts = token.split('.');
      if (parts.length !== 2 || token.length > 1024) return { status: 'invalid', reason: 'not a sync token' };
      const [body, signature] = parts as [string, string];
      // Canonical base64url only: Node's decoder ignores stray characters, which would
      // make several strings valid for one token.
      if (!SIGNATURE.test(signature) || !BODY.test(body)) return { status: 'invalid', reason: 'not a sync token' };
      const expected = sign(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { status: 'invalid', reason: 'signature mismatch' };
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { status: 'invalid', reason: 'unreadable payload' };
      }
      if (!isPayload(payload)) return { status: 'invalid', reason: 'unknown payload' };
      if (payload.userId !== userId) return { status: 'invalid', reason: 'issued to another user' };
      if (payload.exp * 1000 <= now()) return { status: 'expired' };
      return { status: 'valid', payload };
    },
  };
}

// Private:

/** 32 bytes of HMAC-SHA256 in unpadded base64url: 43 characters, the last one of 16. */
const SIGNATURE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const BODY = /^[A-Za-z0-9_-]+$/;

function isPayload(value: unknown): value is SyncTokenPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p.v === 1 &&
    typeof p.userId === 'string' &&
    Number.isSafeInteger(p.seq) &&
    (p.seq as number) >= 0 &&
    ((p.phase === 'feed' && p.cursor === undefined) ||
      (p.phase === 'snapshot' && typeof p.cursor === 'string' && p.cursor.length > 0 && p.cursor.length <= 128)) &&
    Number.isSafeInteger(p.exp)
  );
}
