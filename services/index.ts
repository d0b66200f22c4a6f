import { defineService, type LoadersOf, type ServicesOf } from '../src/index.js';
import { createOrdersLoaders, createOrdersService } from './orders-service.js';
import { createRecommendationsService, type RecommendationsLoaders } from './recommendations-service.js';

/**
 * The app's code-defined backends: those a `@source` cannot declare (orders: writes with
 * `If-Match` and idempotency keys, the change feed; recommendations: ids the catalog's
 * loader turns into products). Adding one is one entry here, one service file in this
 * folder, one schema file and one resolver file; nothing in `src/` changes. The users and
 * catalog backends are declared in the schema (schema/user.graphql, schema/catalog.graphql).
 */
export const SERVICES = {
  orders: defineService({
    urlEnv: 'ORDERS_URL',
    cacheKind: 'order',
    // Orders change under the app's feet (status, notes): not cached unless configured.
    defaults: {
      maxBatchSize: 100,
      connections: 32,
      bulkhead: { maxConcurrent: 64, maxQueue: 256 },
      cache: { freshMs: 0, staleMs: 0 },
    },
    createService: createOrdersService,
    createLoaders: createOrdersLoaders,
  }),
  recommendations: defineService({
    urlEnv: 'RECOMMENDATIONS_URL',
    cacheKind: 'recommendations',
    defaults: {
      maxBatchSize: 1,
      connections: 16,
      bulkhead: { maxConcurrent: 32, maxQueue: 64 },
      cache: { freshMs: 30_000, staleMs: 600_000 },
    },
    createService: createRecommendationsService,
    createLoaders: (): RecommendationsLoaders => ({}),
  }),
};

/** The code-defined backends' names (app/gateway-app.ts lists every backend's). */
export type CodeServiceName = keyof typeof SERVICES;

/** The domain clients, one per code-defined backend: `ctx.services.orders.updateOrder(…)`. */
export type Services = ServicesOf<typeof SERVICES>;

/**
 * Every code-defined service's per-request loaders, flattened: `ctx.loaders.order.load(id)`.
 * The schema's sources are loaded through `connectorLoader(ctx, …)`.
 */
export type Loaders = LoadersOf<typeof SERVICES>;
