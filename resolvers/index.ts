import type { Resolvers } from './generated/resolvers-types.js';
import { catalogResolvers } from './catalog.js';
import { orderResolvers } from './order.js';
import { recommendationsResolvers } from './recommendations.js';
import { scalarResolvers } from './scalars.js';
import { syncResolvers } from './sync.js';
import { userResolvers } from './user.js';

/** Every domain's resolvers; makeExecutableSchema merges them type by type. */
export const resolvers: Resolvers[] = [
  scalarResolvers,
  userResolvers,
  catalogResolvers,
  orderResolvers,
  recommendationsResolvers,
  syncResolvers,
];
