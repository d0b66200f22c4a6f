import type { GatewayContext } from '../gateway-context.js';
import { unauthenticated } from '../errors/client-errors.js';

/** The viewer's id, or an UNAUTHENTICATED error on the field that needed it. */
export function requireViewer(ctx: Pick<GatewayContext, 'auth'>): string {
  const { auth } = ctx;
  if (auth.status === 'authenticated') return auth.viewerId;
  if (auth.status === 'anonymous') throw unauthenticated('missing');
  throw unauthenticated(auth.reason === 'expired' ? 'expired' : 'invalid');
}
