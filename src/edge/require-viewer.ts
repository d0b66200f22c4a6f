import type { GatewayContext } from '../gateway-context.js';
import { identityProviderUnavailable, unauthenticated } from '../errors/client-errors.js';

/**
 * The viewer's id, or an error on the field that needed it: UNAUTHENTICATED for a
 * missing or bad token, SERVICE_UNAVAILABLE (retryable) when the identity provider's
 * keys could not be fetched to check it.
 */
export function requireViewer(ctx: Pick<GatewayContext, 'auth'>): string {
  const { auth } = ctx;
  if (auth.status === 'authenticated') return auth.viewerId;
  if (auth.status === 'anonymous') throw unauthenticated('missing');
  if (auth.status === 'unavailable') throw identityProviderUnavailable(auth.retryAfter);
  throw unauthenticated(auth.reason === 'expired' ? 'expired' : 'invalid');
}
