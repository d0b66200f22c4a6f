import { requireViewer } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { ProductRecord } from '../services/catalog-service.js';
import { intInRange } from './validate-args.js';

export const recommendationsResolvers: Resolvers = {
  Query: {
    recommendations: async (_parent, { first }, ctx, info) => {
      const viewerId = requireViewer(ctx);
      const limit = intInRange('first', first, 10, 1, 50);
      const ids = ctx.stale.note(info, await ctx.services.recommendations.getProductIds(viewerId, limit, ctx.call));
      const products = await ctx.loaders.product.loadMany(ids);
      // Products the catalog no longer knows are dropped; a failed catalog batch stays
      // an Error so the list is null with a catalog error rather than silently short.
      return ctx.stale.noteEach(info, products.filter((product) => product !== null) as ProductRecord[]);
    },
  },
};
