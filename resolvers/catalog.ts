import type { Resolvers } from './generated/resolvers-types.js';
import { intInRange } from './validate-args.js';

/** Wider than any phone screen at 3x. */
export const MAX_IMAGE_WIDTH = 4096;

/**
 * The catalog's fields that need code; `Query.product`, `Query.products` and
 * `OrderItem.product` are `@connect` fields (schema/catalog.graphql, schema/order.graphql).
 */
export const catalogResolvers: Resolvers = {
  Product: {
    // Derived from the catalog's one image URL: the image CDN resizes on `?w=<width>`
    // and catalog images are square, so the height is the width.
    image: (product, { width }) => {
      const { imageUrl } = product;
      // The record is the catalog's JSON as it came (a connector does not fill in absent
      // keys): a backend that leaves a null imageUrl out means no image, not a crash.
      if (typeof imageUrl !== 'string') return null;
      if (width === undefined || width === null) return { url: imageUrl, width: null, height: null };
      const pixels = intInRange('width', width, width, 1, MAX_IMAGE_WIDTH);
      return { url: `${imageUrl}${imageUrl.includes('?') ? '&' : '?'}w=${pixels}`, width: pixels, height: pixels };
    },
  },
};
