import { SignJWT } from 'jose';

/**
 * Signs a bearer token for `userId` with the HS256 secret, as an identity provider
 * would. For the demo, tests and `npm run token`; production tokens come from the
 * real issuer.
 */
export async function signDevToken(
  userId: string,
  secret: string,
  options: {
    expiresIn?: string | number;
    /** More claims, e.g. `{ tier: 'premium' }` (RATE_LIMIT_TIER_CLAIM). */
    claims?: Record<string, unknown>;
  } = {},
): Promise<string> {
  return new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(secret));
}
