import { requireViewer } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { ProductRecord } from '../services/catalog-service.js';
import { intInRange } from './validate-args.js';

export const recommendationsResolvers: Resolvers = {
  Query: {
    recommendations: async (_parent, { first }, ctx) => {
      const viewerId = requireViewer(ctx);
      const limit = intInRange('first', first, 10, 1, 50);
      // Error entries (a failed catalog batch) are completed as field errors by graphql-js;
      // the generated type does not model that.
      return (await ctx.services.recommendations.recommendedProducts(viewerId, limit, ctx.call, (ids) =>
        ctx.loaders.product.loadMany(ids),
      )) as ProductRecord[];
    },
  },
};
