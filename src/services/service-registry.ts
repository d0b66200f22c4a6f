import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import type { ServiceClient } from '../upstream/service-client.js';
import type { ServiceSettings } from '../upstream/service-settings.js';
import { createCatalogLoaders, createCatalogService } from './catalog-service.js';
import { createOrdersLoaders, createOrdersService } from './orders-service.js';
import { createRecommendationsService, type RecommendationsLoaders } from './recommendations-service.js';
import { createUsersLoaders, createUsersService } from './users-service.js';

/** Everything the gateway needs to know about one backend. */
export interface ServiceDefinition<S, L, V> {
  /** Environment variable holding the backend's base URL (CONTRACT.md §2). */
  urlEnv: string;
  /** Entity kind in cache keys (`<prefix>:v1:<kind>:<id>`). */
  cacheKind: string;
  /** Settings this backend gets unless GATEWAY_CONFIG overrides them. */
  defaults: Pick<ServiceSettings, 'maxBatchSize' | 'connections' | 'bulkhead' | 'cache'>;
  /** The domain client, built once at start-up, with the cache of its entities. */
  createService(client: ServiceClient, cache: EntityCache<V>): S;
  /** Its per-request DataLoaders, merged into `ctx.loaders`. */
  createLoaders(service: S, client: ServiceClient, call: CallContext): L;
}

function defineService<S, L, V>(definition: ServiceDefinition<S, L, V>): ServiceDefinition<S, L, V> {
  return definition;
}

/**
 * The backends of the gateway. Adding one is one entry here, one service client
 * in this folder, one schema file and one resolver file.
 */
export const SERVICE_REGISTRY = {
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

type Registry = typeof SERVICE_REGISTRY;
export type ServiceName = keyof Registry;
export const SERVICE_NAMES = Object.keys(SERVICE_REGISTRY) as ServiceName[];

/** The domain clients, one per backend: `ctx.services.orders.updateOrder(…)`. */
export type Services = { [K in ServiceName]: ReturnType<Registry[K]['createService']> };

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/** Every service's per-request loaders, flattened: `ctx.loaders.product.load(id)`. */
export type Loaders = UnionToIntersection<{ [K in ServiceName]: ReturnType<Registry[K]['createLoaders']> }[ServiceName]>;

/** The environment that points the gateway at these backends (`USERS_URL=…`, …). */
export function serviceUrlEnv(urls: Readonly<Record<ServiceName, string>>): Record<string, string> {
  return Object.fromEntries(SERVICE_NAMES.map((name) => [SERVICE_REGISTRY[name].urlEnv, urls[name]]));
}
