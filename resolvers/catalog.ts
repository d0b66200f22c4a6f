import type { Resolvers } from './generated/resolvers-types.js';
import type { ProductRecord } from '../services/catalog-service.js';
import { badUserInput } from '../src/index.js';
import { intInRange } from './validate-args.js';

/** More ids than any screen shows; larger lists are a client bug or an attack. */
export const MAX_PRODUCT_IDS = 100;
/** Wider than any phone screen at 3x. */
export const MAX_IMAGE_WIDTH = 4096;

export const catalogResolvers: Resolvers = {
  Query: {
    product: (_parent, { id }, ctx) => ctx.loaders.product.load(id),
    products: async (_parent, { ids }, ctx) => {
      if (ids.length > MAX_PRODUCT_IDS) {
        throw badUserInput(`ids may hold at most ${MAX_PRODUCT_IDS} ids`, { argument: 'ids', max: MAX_PRODUCT_IDS, actual: ids.length });
      }
      // An Error entry becomes null at its index with an error on that path (graphql-js
      // completes list items that are Errors as field errors), so one failed batch nulls
      // only the products it covered. The generated type does not model that.
      return (await ctx.loaders.product.loadMany(ids)) as (ProductRecord | null)[];
    },
  },
  Product: {
    // Derived from the catalog's one image URL: the image CDN resizes on `?w=<width>`
    // and catalog images are square, so the height is the width.
    image: (product, { width }) => {
      const { imageUrl } = product;
      if (imageUrl === null) return null;
      if (width === undefined || width === null) return { url: imageUrl, width: null, height: null };
      const pixels = intInRange('width', width, width, 1, MAX_IMAGE_WIDTH);
      return { url: `${imageUrl}${imageUrl.includes('?') ? '&' : '?'}w=${pixels}`, width: pixels, height: pixels };
    },
  },
};
