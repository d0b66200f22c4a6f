import { errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';

/** Who made the request, as far as the bearer token says. */
export type AuthResult =
  | {
      status: 'authenticated';
      viewerId: string;
      /** The token's rate-limit tier (the RATE_LIMIT_TIER_CLAIM claim), when it names one. */
      tier?: string;
    }
  | { status: 'anonymous' }
  | { status: 'invalid'; reason: 'malformed' | 'bad_signature' | 'expired' | 'no_subject' };

export interface AuthenticatorOptions {
  /** HS256 secret shared with the token issuer (JWT_SECRET). */
  secret: string;
  /** Verified tokens remembered (until their `exp`), so a phone's requests verify once. @default 10000 */
  cacheSize?: number;
  /** The claim that names the viewer's rate-limit tier (RATE_LIMIT_TIER_CLAIM). @default 'tier' */
  tierClaim?: string;
}

const USER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Tier names as CLIENT_RATE_LIMIT_TIERS spells them; anything else is no tier (the default limit). */
const TIER = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256, `sub` = viewer id). A missing
 * header is anonymous; every other failure is `invalid`, so the fields that need a
 * viewer can say UNAUTHENTICATED while public fields still answer.
 */
export function createAuthenticator(options: AuthenticatorOptions): (authorization: string | null) => Promise<AuthResult> {
  const key = new TextEncoder().encode(options.secret);
  const tierClaim = options.tierClaim ?? 'tier';
  // Only successes are remembered, each until its own expiry: a bad token is re-checked
  // (and refused) every time, and an expired one is never served from here.
  const verified = new LRUCache<string, AuthResult & { status: 'authenticated' }>({ max: options.cacheSize ?? 10_000 });
  return async (authorization) => {
    if (authorization === null || authorization === '') return { status: 'anonymous' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match === null) return { status: 'invalid', reason: 'malformed' };
    const token = match[1]!;
    const known = verified.get(token);
    if (known !== undefined) return known;
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
      if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub)) return { status: 'invalid', reason: 'no_subject' };
      const tier = Object.hasOwn(payload, tierClaim) ? payload[tierClaim] : undefined;
      const result: AuthResult & { status: 'authenticated' } = { status: 'authenticated', viewerId: payload.sub };
      if (typeof tier === 'string' && TIER.test(tier)) result.tier = tier;
      verified.set(token, result, { ttl: Math.max(1, (payload.exp ?? 0) * 1000 - Date.now()) });
      return result;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { status: 'invalid', reason: 'expired' };
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { status: 'invalid', reason: 'bad_signature' };
      // A token without `exp` would never expire: refused like any malformed token.
      return { status: 'invalid', reason: 'malformed' };
    }
  };
}
