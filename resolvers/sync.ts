import { syncTokenRejected } from '../src/errors/client-errors.js';
import { requireViewer } from '../src/edge/require-viewer.js';
import type { Resolvers } from '../src/generated/resolvers-types.js';
import { foldOrderChanges } from '../src/sync/fold-order-changes.js';
import { intInRange } from './validate-args.js';

export const syncResolvers: Resolvers = {
  Query: {
    ordersDelta: async (_parent, { syncToken, first }, ctx) => {
      const viewerId = requireViewer(ctx);
      const limit = intInRange('first', first, 100, 1, 500);
      let after = 0;
      if (syncToken !== undefined && syncToken !== null) {
        const decoded = ctx.syncTokens.decode(syncToken, viewerId);
        if (decoded.status === 'invalid') {
          throw syncTokenRejected('SYNC_TOKEN_INVALID', 'The sync token is not valid: start a full resync');
        }
        if (decoded.status === 'expired') {
          throw syncTokenRejected('SYNC_TOKEN_EXPIRED', 'The sync token has expired: start a full resync');
        }
        after = decoded.payload.seq;
      }

      const page = await ctx.services.orders.getChanges(viewerId, after, limit, ctx.call);
      if ('outcome' in page) {
        throw syncTokenRejected('SYNC_TOKEN_EXPIRED', 'Changes since this sync token are no longer kept: start a full resync');
      }
      const { changed, deletedIds } = foldOrderChanges(page.changes);
      const lastDelivered = page.changes.length > 0 ? page.changes[page.changes.length - 1]!.seq : after;
      // With nothing more for this user, the feed's head is a safe resume point
      // (the backend answered from one consistent snapshot); otherwise advance only
      // past what this page delivered.
      const nextSeq = page.hasMore ? lastDelivered : Math.max(lastDelivered, page.latestSeq);
      return {
        changed,
        deletedIds,
        syncToken: ctx.syncTokens.encode(viewerId, nextSeq),
        hasMore: page.hasMore,
      };
    },
  },
};
