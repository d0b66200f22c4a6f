import { defineService, type LoadersOf, type ServicesOf } from '../src/index.js';
import { createCatalogLoaders, createCatalogService } from './catalog-service.js';
import { createOrdersLoaders, createOrdersService } from './orders-service.js';
import { createRecommendationsService, type RecommendationsLoaders } from './recommendations-service.js';
import { createUsersLoaders, createUsersService } from './users-service.js';

/**
 * The app's code-defined backends. Adding one is one entry here, one service file in
 * this folder, one schema file and one resolver file; nothing in `src/` changes.
 */
export const SERVICES = {
  users: defineService({
    urlEnv: 'USERS_URL',
    cacheKind: 'user',
    defaults: {
      maxBatchSize: 100,
      connections: 32,
      bulkhead: { maxConcurrent: 64, maxQueue: 256 },
      cache: { freshMs: 60_000, staleMs: 3_600_000 },
    },
    createService: createUsersService,
    createLoaders: createUsersLoaders,
  }),
  catalog: defineService({
    urlEnv: 'CATALOG_URL',
    cacheKind: 'product',
    defaults: {
      maxBatchSize: 200,
      connections: 32,
      bulkhead: { maxConcurrent: 64, maxQueue: 256 },
      cache: { freshMs: 300_000, staleMs: 86_400_000 },
    },
    createService: createCatalogService,
    createLoaders: createCatalogLoaders,
  }),
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

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** The domain clients, one per backend: `ctx.services.orders.updateOrder(…)`. */
export type Services = ServicesOf<typeof SERVICES>;

/** Every service's per-request loaders, flattened: `ctx.loaders.product.load(id)`. */
export type Loaders = LoadersOf<typeof SERVICES>;

/** The environment that points the gateway at these backends (`USERS_URL=…`, …). */
export function serviceUrlEnv(urls: Readonly<Record<ServiceName, string>>): Record<string, string> {
  return Object.fromEntries(SERVICE_NAMES.map((name) => [SERVICES[name].urlEnv, urls[name]]));
}
