import { connectorLoader, requireViewer } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { ProductRecord } from '../services/records.js';
import { PRODUCTS_BY_ID } from './connector-lookups.js';
import { intInRange } from './validate-args.js';

export const recommendationsResolvers: Resolvers = {
  Query: {
    recommendations: async (_parent, { first }, ctx) => {
      const viewerId = requireViewer(ctx);
      const limit = intInRange('first', first, 10, 1, 50);
      // The products through the catalog's connector loader: one catalog call shared with
      // Query.product and OrderItem.product. Error entries (a failed catalog batch) are
      // completed as field errors by graphql-js; the generated type does not model that.
      const products = connectorLoader<ProductRecord>(ctx, PRODUCTS_BY_ID);
      return (await ctx.services.recommendations.recommendedProducts(viewerId, limit, ctx.call, (ids) => products.loadMany(ids))) as ProductRecord[];
    },
  },
};
