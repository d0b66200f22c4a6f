
/** Calls to the recommendations backend (docs/backend-contract.md). */
export interface RecommendationsService {
  /** Product id lists by `<userId>:<limit>`. */
  readonly cache: EntityCache<string[]>;
  /** `GET /recommendations?userId=…&limit=…`: product ids, best first. */
  getProductIds(userId: string, limit: number, call: CallContext): Promise<string[]>;
}

/** Recommendations are one call per request, so there is nothing to batch. */
export type RecommendationsLoaders = Record<never, never>;

export function createRecommendationsService(client: ServiceClient, cache: EntityCache<string[]>): RecommendationsService {
  const fetchIds = async (userId: string, limit: number, call: CallContext): Promise<string[]> => {
    const response = await client.request(
      { method: 'GET', path: `/recommendations?userId=${encodeURIComponent(userId)}&limit=${limit}` },
      call,
    );
    const ids = expectArrayField(client.name, response.body, 'productIds');
    if (!ids.every((id): id is string => typeof id === 'string')) throw badBody(client.name, 'productIds are not strings');
    return ids;
  };
  return {
    cache,
    getProductIds: (userId, limit, call) => cache.load(`${userId}:${limit}`, () => fetchIds(userId, limit, call), call.stale),
  };
}import { badBody, type CallContext, type EntityCache, expectArrayField, type ServiceClient } from '../src/index.js';

