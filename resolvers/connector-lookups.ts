import type { ConnectorLoaderSpec } from '../src/index.js';

/**
 * Lookups of the schema's `@source` backends for code resolvers (`connectorLoader(ctx, …)`).
 * Each is the same request shape (path, selection, batchKey) as the schema's `@connect`
 * fields of that entity, so code and connectors share one loader and one backend call
 * per request: keep them in step with schema/user.graphql and schema/catalog.graphql.
 */

/** Users by id: the shape of `Query.viewer` and `Query.user(id)`. */
export const USERS_BY_ID: ConnectorLoaderSpec = { source: 'users', get: '/users?ids={$batch.id}', selection: 'items', batchKey: 'id' };

/** Products by id: the shape of `Query.product(id)`, `Query.products(ids)` and `OrderItem.product`. */
export const PRODUCTS_BY_ID: ConnectorLoaderSpec = { source: 'catalog', get: '/products?ids={$batch.id}', selection: 'items', batchKey: 'id' };
