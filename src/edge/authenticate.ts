import { systemClock, type Clock } from '../clock.js';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { isKeySetUnavailableError } from './key-set-unavailable-error.js';
import { JWKS_ALGORITHMS } from './jwks-settings.js';
import type { RemoteKeySet } from './remote-key-set.js';

/** Who made the request, as far as the bearer token says. */
export type AuthResult =
  | {
      status: 'authenticated';
      viewerId: string;
      /** The token's rate-limit tier (the RATE_LIMIT_TIER_CLAIM claim), when it names one. */
      tier?: string;
    }
  | { status: 'anonymous' }
  | {
      status: 'invalid';
      reason:
        | 'malformed'
        | 'bad_signature'
        | 'expired'
        | 'no_subject'
        /** An algorithm this gateway does not accept for tokens (none, HS512, RS256 without JWT_JWKS_URL, …). */
        | 'disallowed_algorithm'
        /** The provider's key set, fetched within the cooldown, has no key for the token's `kid`. */
        | 'unknown_key'
        | 'wrong_issuer'
        | 'wrong_audience';
    }
  /** The token may well be good, but the identity provider's keys could not be fetched: try again later. */
  | { status: 'unavailable'; retryAfter: number };

export interface AuthenticatorOptions {
  /** HS256 secret shared with whoever mints tokens (JWT_SECRET); null or absent: HS256 tokens are refused. */
  secret?: string | null;
  /**
   * Tokens from an identity provider (JWT_JWKS_URL): RS256/ES256 verified with its key
   * set, `iss` and `aud` checked when given, the viewer id in `userClaim`.
   */
  jwks?: {
    keySet: RemoteKeySet;
    issuer: string | null;
    audience: readonly string[] | null;
    /** @default 'sub' */
    userClaim?: string;
  } | null;
  /** Verified tokens remembered (until their `exp`), so a phone's requests verify once. @default 10000 */
  cacheSize?: number;
  /** The claim that names the viewer's rate-limit tier (RATE_LIMIT_TIER_CLAIM). @default 'tier' */
  tierClaim?: string;
  /** The clock of `exp`/`nbf` checks and of the verified-token cache. @default systemClock */
  now?: Clock;
}

type Authenticated = AuthResult & { status: 'authenticated' };

const USER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Tier names as CLIENT_RATE_LIMIT_TIERS spells them; anything else is no tier (the default limit). */
const TIER = /^[A-Za-z0-9_.-]{1,64}$/;
const HS256 = ['HS256'];

/**
 * Verifies `Authorization: Bearer <JWT>`. A missing header is anonymous; a token the
 * provider's keys could not be fetched for is `unavailable`; every other failure is
 * `invalid`, so the fields that need a viewer can say UNAUTHENTICATED while public
 * fields still answer.
 *
 * The token's `alg` picks the key, and each key has exactly one algorithm family: HS256
 * tokens are checked with JWT_SECRET alone, RS256/ES256 tokens with the provider's public
 * keys alone. An HS256 token "signed" with a public key therefore meets the secret and
 * fails; `none` and every other algorithm are refused before any key is looked at.
 */
/** Verifies an `Authorization` header's bearer token: the request's viewer, or why there is none. */
export type Authenticate = (authorization: string | null) => Promise<AuthResult>;

export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const secret = options.secret === undefined || options.secret === null ? null : new TextEncoder().encode(options.secret);
  const jwks = options.jwks ?? null;
  const userClaim = jwks?.userClaim ?? 'sub';
  const tierClaim = options.tierClaim ?? 'tier';
  const now = options.now ?? systemClock;
  const jwksOptions = {
    algorithms: [...JWKS_ALGORITHMS],
    requiredClaims: ['exp'],
    ...(jwks === null || jwks.issuer === null ? {} : { issuer: jwks.issuer }),
    ...(jwks === null || jwks.audience === null ? {} : { audience: [...jwks.audience] }),
  };
  // Only successes are remembered, each until its own expiry: a bad token is re-checked
  // (and refused) every time, and an expired one is never served from here. A token of
  // the provider also carries the key-set generation it was verified under: once the
  // keys change, it is verified again, so a removed key stops working for it too.
  const verified = new LRUCache<string, { result: Authenticated; generation: number | null }>({
    max: options.cacheSize ?? 10_000,
    // Entries expire by the same clock as the tokens' `exp`.
    perf: { now },
    ttlResolution: 0,
  });

  const accept = (payload: JWTPayload, claim: string, generation: number | null, token: string): AuthResult => {
    const viewerId = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
    if (typeof viewerId !== 'string' || !USER_ID.test(viewerId)) return { status: 'invalid', reason: 'no_subject' };
    const tier = Object.hasOwn(payload, tierClaim) ? payload[tierClaim] : undefined;
    const result: Authenticated = { status: 'authenticated', viewerId };
    if (typeof tier === 'string' && TIER.test(tier)) result.tier = tier;
    verified.set(token, { result, generation }, { ttl: Math.max(1, (payload.exp ?? 0) * 1000 - now()) });
    return result;
  };

  return async (authorization) => {
    if (authorization === null || authorization === '') return { status: 'anonymous' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match === null) return { status: 'invalid', reason: 'malformed' };
    const token = match[1]!;
    const known = verified.get(token);
    if (known !== undefined) {
      if (known.generation === null || known.generation === jwks?.keySet.generation()) return known.result;
      verified.delete(token);
    }
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return { status: 'invalid', reason: 'malformed' };
    }
    try {
      if (alg === 'HS256' && secret !== null) {
        const { payload } = await jwtVerify(token, secret, { algorithms: HS256, requiredClaims: ['exp'], currentDate: new Date(now()) });
        return accept(payload, 'sub', null, token);
      }
      if (typeof alg === 'string' && JWKS_ALGORITHMS.includes(alg) && jwks !== null) {
        // The generation before the key lookup: a key set fetched meanwhile re-verifies once more, never less.
        const generation = jwks.keySet.generation();
        const { payload } = await jwtVerify(token, jwks.keySet.getKey, { ...jwksOptions, currentDate: new Date(now()) });
        return accept(payload, userClaim, generation, token);
      }
      return { status: 'invalid', reason: 'disallowed_algorithm' };
    } catch (error) {
      return refusal(error);
    }
  };
}

// Private:

function refusal(error: unknown): AuthResult {
  if (isKeySetUnavailableError(error)) return { status: 'unavailable', retryAfter: error.retryAfter };
  if (error instanceof joseErrors.JWTExpired) return { status: 'invalid', reason: 'expired' };
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { status: 'invalid', reason: 'bad_signature' };
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return { status: 'invalid', reason: 'unknown_key' };
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return { status: 'invalid', reason: 'disallowed_algorithm' };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return { status: 'invalid', reason: 'wrong_issuer' };
    if (error.claim === 'aud') return { status: 'invalid', reason: 'wrong_audience' };
  }
  // A token without `exp` would never expire: refused like any malformed token.
  return { status: 'invalid', reason: 'malformed' };
}
