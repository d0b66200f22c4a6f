import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import { badBody, expectArrayField } from '../upstream/expect-json.js';
import type { ServiceClient } from '../upstream/service-client.js';

/** Calls to the recommendations backend (CONTRACT.md §5). */
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
}
