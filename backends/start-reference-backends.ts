/**
 * Entry point of the reference backends for tests, the demo and the CLI.
 *
 *   const backends = await startReferenceBackends();      // ephemeral ports
 *   fetch(`${backends.urls.orders}/orders?userId=u1`);
 *   backends.catalog.setFault({ mode: '503', retryAfter: 2 });
 *   await startReferenceBackends({ trustGateway: true }); // orders: no 403 of its own
 *   await backends.close();
 */
import { startBackendServer } from './backend-server.js';
import { createCatalogRouter } from './catalog-backend.js';
import type { Router } from './json-http.js';
import { createOrdersRouter } from './orders-backend.js';
import { OrdersStore } from './orders-store.js';
import { createRecommendationsRouter } from './recommendations-backend.js';
import { createReviewsRouter, seedReviews } from './reviews-backend.js';
import { seedProducts, seedUsers } from './seed-data.js';
import { createUsersRouter } from './users-backend.js';
import { SERVICE_NAMES, type ReferenceBackend, type ReferenceBackends, type ServiceName, type StartOptions } from './types.js';

export { SERVICE_NAMES };
export type {
  BackendStats,
  RecordedRequest,
  ReferenceBackend,
  ReferenceBackends,
  ServiceName,
  StartOptions,
} from './types.js';
export { FAULT_MODES, InvalidFaultError, type Fault, type FaultMode } from './fault-injector.js';

/** Each call builds fresh data, so every backend instance owns its (mutable) store. */
function routerFor(name: ServiceName, options: StartOptions): Router {
  switch (name) {
    case 'users':
      return createUsersRouter(seedUsers(options.users));
    case 'catalog':
      return createCatalogRouter(seedProducts());
    case 'orders':
      return createOrdersRouter(
        OrdersStore.seeded({
          ...(options.users === undefined ? {} : { users: options.users }),
          ...(options.ordersPerUser === undefined ? {} : { ordersPerUser: options.ordersPerUser }),
        }),
        { trustGateway: options.trustGateway ?? false },
      );
    case 'recommendations':
      return createRecommendationsRouter();
  }
}

/**
 * Starts a single reference backend with freshly seeded data (`options.users` users,
 * `options.ordersPerUser` orders each; default the 50 × 30 of the documented seed).
 * Uses `options.ports[name]` (default 0 = ephemeral).
 */
export function startReferenceBackend(name: ServiceName, options: StartOptions = {}): Promise<ReferenceBackend> {
  const server: Parameters<typeof startBackendServer>[0] = { name, router: routerFor(name, options), port: options.ports?.[name] ?? 0 };
  if (options.host !== undefined) server.host = options.host;
  if (options.latencyMs !== undefined) server.latencyMs = options.latencyMs;
  return startBackendServer(server);
}

/**
 * Starts the reviews backend: the one docs/adding-a-backend.md adds to the gateway with
 * a schema file alone. Not one of `startReferenceBackends`: the shipped app has no
 * reviews field; the guide's test and `npm run backends` start it.
 */
export function startReviewsBackend(options: Pick<StartOptions, 'host' | 'latencyMs'> & { port?: number } = {}): Promise<ReferenceBackend> {
  const server: Parameters<typeof startBackendServer>[0] = { name: 'reviews', router: createReviewsRouter(seedReviews()), port: options.port ?? 0 };
  if (options.host !== undefined) server.host = options.host;
  if (options.latencyMs !== undefined) server.latencyMs = options.latencyMs;
  return startBackendServer(server);
}

/**
 * Starts users, catalog, orders and recommendations, each with its own fresh
 * data. If one fails to start (e.g. port in use) the others are closed again.
 */
export async function startReferenceBackends(options: StartOptions = {}): Promise<ReferenceBackends> {
  const settled = await Promise.allSettled(SERVICE_NAMES.map((name) => startReferenceBackend(name, options)));
  const started = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((b) => b.close()));
    throw failed.reason;
  }
  const byName = Object.fromEntries(started.map((b) => [b.name, b])) as Record<ServiceName, ReferenceBackend>;
  const urls = Object.fromEntries(started.map((b) => [b.name, b.url])) as Record<ServiceName, string>;
  return {
    ...byName,
    urls,
    async close(): Promise<void> {
      await Promise.all(started.map((b) => b.close()));
    },
  };
}
