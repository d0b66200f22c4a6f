import { parseLimit, requireParam, Router, sendJson } from './json-http.js';
import { hashString, mulberry32, productIdFor, SEED_PRODUCT_COUNT } from './seed-data.js';

export const DEFAULT_RECOMMENDATIONS_LIMIT = 10;
export const MAX_RECOMMENDATIONS_LIMIT = 50;
/** Bound on memoised users, so a benchmark with random user ids cannot grow memory without limit. */
const MAX_CACHED_USERS = 10_000;

/**
 * The 50 recommended product ids for a user: distinct ids among p1…p500,
 * derived only from the user id, so every limit is a prefix of the same list.
 */
export function recommendationsFor(userId: string): string[] {
  const rand = mulberry32(hashString(userId));
  const picked = new Set<number>();
  const ids: string[] = [];
  while (ids.length < MAX_RECOMMENDATIONS_LIMIT) {
    const n = 1 + Math.floor(rand() * SEED_PRODUCT_COUNT);
    if (picked.has(n)) continue;
    picked.add(n);
    ids.push(productIdFor(n));
  }
  return ids;
}

/** Routes of the recommendations service: `GET /recommendations?userId=u1&limit=10`. */
export function createRecommendationsRouter(): Router {
  const cache = new Map<string, string[]>();
  return new Router().get('/recommendations', (_req, res, _param, query) => {
    const params = new URLSearchParams(query);
    const userId = requireParam(params, 'userId');
    const limit = parseLimit(params.get('limit'), DEFAULT_RECOMMENDATIONS_LIMIT, MAX_RECOMMENDATIONS_LIMIT);
    let all = cache.get(userId);
    if (!all) {
      all = recommendationsFor(userId);
      if (cache.size >= MAX_CACHED_USERS) cache.clear();
      cache.set(userId, all);
    }
    sendJson(res, 200, { productIds: limit >= all.length ? all : all.slice(0, limit) });
  });
}
