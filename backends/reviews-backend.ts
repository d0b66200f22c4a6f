import { HttpError, parseIds, parseLimit, Router, sendJson, sendNotFound } from './json-http.js';
import type { Review } from './models.js';
import { hashString, mulberry32, productIdFor, SEED_PRODUCT_COUNT } from './seed-data.js';

export const DEFAULT_REVIEWS_LIMIT = 10;
export const MAX_REVIEWS_LIMIT = 50;

const TEXTS = ['Does what it says.', 'Arrived quickly, well packed.', 'Smaller than I expected.', 'Would buy again.', null] as const;

/**
 * 0 to 4 reviews for each product p1…p500, derived from the product id alone (ids
 * `r<product number>-<n>`), so a test can work out what the backend will answer.
 */
export function seedReviews(): Map<string, Review[]> {
  const byProduct = new Map<string, Review[]>();
  for (let n = 1; n <= SEED_PRODUCT_COUNT; n++) {
    const productId = productIdFor(n);
    const rand = mulberry32(hashString(`reviews:${productId}`));
    const count = Math.floor(rand() * 5);
    const reviews: Review[] = [];
    for (let k = 1; k <= count; k++) {
      reviews.push({
        id: `r${n}-${k}`,
        productId,
        stars: 1 + Math.floor(rand() * 5),
        text: TEXTS[Math.floor(rand() * TEXTS.length)] ?? null,
      });
    }
    byProduct.set(productId, reviews);
  }
  return byProduct;
}

/**
 * Routes of the reviews backend, on the batch contract of the others
 * (docs/backend-contract.md):
 * - `GET /reviews?productIds=a,b&limit=n`: at most `n` reviews of each product, product by product, `{ items }`
 * - `GET /reviews?ids=a,b`: the reviews with these ids (unknown ids absent), `{ items }`
 * - `GET /reviews/:id`: one review, or 404
 */
export function createReviewsRouter(byProduct: ReadonlyMap<string, readonly Review[]>): Router {
  const byId = new Map<string, Review>();
  for (const reviews of byProduct.values()) for (const review of reviews) byId.set(review.id, review);
  return new Router()
    .get('/reviews', (_req, res, _param, query) => {
      const params = new URLSearchParams(query);
      const productIds = params.get('productIds');
      const ids = params.get('ids');
      if ((productIds === null) === (ids === null)) throw new HttpError(400, 'give productIds or ids');
      const items: Review[] = [];
      if (productIds !== null) {
        const limit = parseLimit(params.get('limit'), DEFAULT_REVIEWS_LIMIT, MAX_REVIEWS_LIMIT);
        for (const productId of parseIds(productIds)) items.push(...(byProduct.get(productId) ?? []).slice(0, limit));
      } else {
        for (const id of parseIds(ids ?? '')) {
          const review = byId.get(id);
          if (review) items.push(review);
        }
      }
      sendJson(res, 200, { items });
    })
    .get('/reviews/:id', (_req, res, id) => {
      const review = byId.get(id);
      if (review) sendJson(res, 200, review);
      else sendNotFound(res);
    });
}
