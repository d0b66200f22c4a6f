import { requireViewer, syncTokenRejected, type SyncPosition } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { nextDeltaPage } from '../services/orders-delta-pager.js';
import { intInRange } from './validate-args.js';

export const syncResolvers: Resolvers = {
  Query: {
    ordersDelta: async (_parent, { syncToken, first }, ctx) => {
      const viewerId = requireViewer(ctx);
      const limit = intInRange('first', first, 100, 1, 500);
      let position: SyncPosition | null = null;
      if (syncToken !== undefined && syncToken !== null) {
        const decoded = ctx.syncTokens.decode(syncToken, viewerId);
        if (decoded.status === 'invalid') {
          throw syncTokenRejected('SYNC_TOKEN_INVALID', 'The sync token is not valid: start a full resync');
        }
        if (decoded.status === 'expired') {
          throw syncTokenRejected('SYNC_TOKEN_EXPIRED', 'The sync token has expired: start a full resync');
        }
        const { phase, seq, cursor } = decoded.payload;
        position = phase === 'snapshot' ? { phase, seq, cursor: cursor! } : { phase, seq };
      }

      // A backend failure throws here: the field fails and no token is issued, so the
      // app keeps the one it has.
      const result = await nextDeltaPage(ctx.services.orders, viewerId, position, limit, ctx.call);
      if (result.outcome === 'feed_compacted') {
        throw syncTokenRejected('SYNC_TOKEN_EXPIRED', 'Changes since this sync token are no longer kept: start a full resync');
      }
      const { changed, deletedIds, next, hasMore } = result.page;
      return { changed, deletedIds, syncToken: ctx.syncTokens.encode(viewerId, next), hasMore };
    },
  },
};
