import { parseIds, requireParam, Router, sendJson, sendNotFound } from './json-http.js';
import type { Product } from './models.js';

/** Routes of the catalog service: `GET /products/:id`, `GET /products?ids=a,b`. */
export function createCatalogRouter(products: ReadonlyMap<string, Product>): Router {
  return new Router()
    .get('/products', (_req, res, _param, query) => {
      const ids = parseIds(requireParam(new URLSearchParams(query), 'ids'));
      const items: Product[] = [];
      for (const id of ids) {
        const product = products.get(id);
        if (product) items.push(product);
      }
      sendJson(res, 200, { items });
    })
    .get('/products/:id', (_req, res, id) => {
      const product = products.get(id);
      if (product) sendJson(res, 200, product);
      else sendNotFound(res);
    });
}
