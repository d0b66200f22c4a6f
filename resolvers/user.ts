import { forbidden, requireViewer } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { intInRange } from './validate-args.js';

/**
 * The users' fields that need code; `Query.viewer` and `Query.user(id)` are `@connect`
 * fields (schema/user.graphql).
 */
export const userResolvers: Resolvers = {
  User: {
    // Email is personal data: a user sees their own, nobody else's.
    email: (user, _args, ctx) =>
      ctx.auth.status === 'authenticated' && ctx.auth.viewerId === user.id ? (user.email ?? null) : null,
    orders: async (user, { first, after }, ctx) => {
      if (requireViewer(ctx) !== user.id) throw forbidden("Only the viewer's own orders can be listed");
      const limit = intInRange('first', first, 20, 1, 100);
      const page = await ctx.services.orders.listOrders(user.id, limit, after ?? null, ctx.call);
      for (const order of page.items) ctx.loaders.order.prime(order.id, order);
      return page;
    },
  },
};
