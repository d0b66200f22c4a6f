import { badBody, type CallContext, type EntityCache, expectArrayField, type ServiceClient } from '../src/index.js';
import { recommendationsPath } from './backend-paths.js';

/** Calls to the recommendations backend (docs/backend-contract.md). */
export interface RecommendationsService {
  /** Product id lists by `<userId>:<limit>`. */
  readonly cache: EntityCache<string[]>;
  /** `GET /recommendations?userId=…&limit=…`: product ids, best first. */
  getProductIds(userId: string, limit: number, call: CallContext): Promise<string[]>;
  /**
   * The recommended products, best first: the ids from the backend, the products through
   * `loadProducts` (the catalog's loader); products the catalog no longer knows are dropped.
   * The list is as stale as the ids it was built from.
   */
  recommendedProducts<P>(
    userId: string,
    limit: number,
    call: CallContext,
    loadProducts: (ids: string[]) => Promise<readonly (P | Error | null)[]>,
  ): Promise<(P | Error)[]>;
}

/** Recommendations are one call per request, so there is nothing to batch. */
export type RecommendationsLoaders = Record<never, never>;

export function createRecommendationsService(client: ServiceClient, cache: EntityCache<string[]>): RecommendationsService {
  const fetchIds = async (userId: string, limit: number, call: CallContext): Promise<string[]> => {
    const response = await client.request({ method: 'GET', path: recommendationsPath(userId, limit) }, call);
    const ids = expectArrayField(client.name, response.body, 'productIds');
    if (!ids.every((id): id is string => typeof id === 'string')) throw badBody(client.name, 'productIds are not strings');
    return ids;
  };
  const getProductIds = (userId: string, limit: number, call: CallContext): Promise<string[]> =>
    cache.load(`${userId}:${limit}`, () => fetchIds(userId, limit, call), call.stale);
  return {
    cache,
    getProductIds,
    async recommendedProducts(userId, limit, call, loadProducts) {
      const ids = await getProductIds(userId, limit, call);
      // A failed catalog batch stays an Error entry, so the list is null with a catalog
      // error rather than silently short.
      const products = (await loadProducts(ids)).filter((product) => product !== null);
      return call.stale === undefined ? products : call.stale.inherit(products, ids);
    },
  };
}

