import { type CallContext, createBatchLoader, type EntityCache, fetchBatch, type ServiceClient } from '../src/index.js';
import type DataLoader from 'dataloader';

/** A product as the catalog backend serves it. */
export interface ProductRecord {
  id: string;
  name: string;
  priceCents: number;
  currency: string;
  imageUrl: string | null;
  rating: number | null;
}

/** Calls to the catalog backend (docs/backend-contract.md). */
export interface CatalogService {
  readonly cache: EntityCache<ProductRecord>;
  /** `GET /products?ids=…`: one call for every id; unknown ids are absent. */
  getProductsByIds(ids: readonly string[], call: CallContext): Promise<Map<string, ProductRecord>>;
}

export interface CatalogLoaders {
  product: DataLoader<string, ProductRecord | null>;
}

export function createCatalogService(client: ServiceClient, cache: EntityCache<ProductRecord>): CatalogService {
  return {
    cache,
    getProductsByIds: (ids, call) => fetchBatch<ProductRecord>(client, '/products', ids, call),
  };
}

/** Per-request loaders of the catalog backend. */
export function createCatalogLoaders(service: CatalogService, client: ServiceClient, call: CallContext): CatalogLoaders {
  return {
    product: createBatchLoader({
      maxBatchSize: client.settings.maxBatchSize,
      fetchMany: (ids) => service.getProductsByIds(ids, call),
      cache: service.cache,
      stale: call.stale,
      onBatch: client.onBatch,
    }),
  };
}
