/**
 * Tokens from an identity provider: verified with the public keys it publishes at a
 * JWKS URL (JWT_JWKS_URL), RS256 or ES256 only, with its issuer and audience checked.
 */
export interface JwksSettings {
  /** JWT_JWKS_URL: where the provider publishes its key set (`{ "keys": [JWK, …] }`). */
  url: string;
  /** JWT_ISSUER: the `iss` every token must carry; null: not checked (outside production only). */
  issuer: string | null;
  /** JWT_AUDIENCE: a token's `aud` must name one of these; null: not checked (outside production only). */
  audience: readonly string[] | null;
  /** JWT_USER_CLAIM: the top-level claim that holds the viewer id. @default 'sub' */
  userClaim: string;
  /**
   * A key-set fetch that has not answered by then fails (GATEWAY_CONFIG `jwks.timeoutMs`):
   * a request that waits for the key set waits at most this long.
   * @default 1000, or half of REQUEST_DEADLINE_MS when that is shorter
   */
  timeoutMs: number;
  /**
   * At most one fetch per this interval, whatever asks for it (an unknown `kid`, a failed
   * fetch, the periodic refresh): a flood of tokens with made-up `kid`s cannot make the
   * gateway hammer the provider (GATEWAY_CONFIG `jwks.cooldownMs`).
   * @default 10000
   */
  cooldownMs: number;
  /**
   * Keys older than this are refreshed in the background while still being used, so a
   * key the provider removed stops working within about this long (GATEWAY_CONFIG `jwks.maxAgeMs`).
   * @default 600000 (10 min)
   */
  maxAgeMs: number;
}

/** The timings of the key set when GATEWAY_CONFIG says nothing (`timeoutMs` is also capped by the request deadline). */
export const DEFAULT_JWKS_TIMINGS = { timeoutMs: 1000, cooldownMs: 10_000, maxAgeMs: 600_000 } as const;

/** The algorithms a provider's tokens may use; HS256 is JWT_SECRET's alone. */
export const JWKS_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];
