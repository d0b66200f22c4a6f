import { describe, expect, it } from 'vitest';
import { catalogResolvers } from '../../../resolvers/catalog.js';

// The resolver is a plain function of the product and its arguments (context and info unused).
type ImageResolver = (product: Record<string, unknown>, args: { width?: number | null }) => unknown;
const image = catalogResolvers.Product?.image as unknown as ImageResolver;

const product = (imageUrl: unknown) => ({ id: 'p1', name: 'Mug', priceCents: 900, currency: 'EUR', rating: null, imageUrl });

describe('Product.image(width:), derived from the catalog image URL', () => {
  it('adds ?w=<width> (or &w= after an existing query), with a square size', () => {
    expect(image(product('https://cdn.example.com/p1.jpg'), { width: 320 })).toEqual({ url: 'https://cdn.example.com/p1.jpg?w=320', width: 320, height: 320 });
    expect(image(product('https://cdn.example.com/p1.jpg?v=3'), { width: 64 })).toEqual({ url: 'https://cdn.example.com/p1.jpg?v=3&w=64', width: 64, height: 64 });
  });

  it('without a width (or with an explicit null) is the original URL of unknown size', () => {
    expect(image(product('https://cdn.example.com/p1.jpg'), {})).toEqual({ url: 'https://cdn.example.com/p1.jpg', width: null, height: null });
    expect(image(product('https://cdn.example.com/p1.jpg'), { width: null })).toEqual({ url: 'https://cdn.example.com/p1.jpg', width: null, height: null });
  });

  it('is null when the product has no image: imageUrl null, or left out of the backend body', () => {
    expect(image(product(null), { width: 320 })).toBeNull();
    const { imageUrl: _left, ...withoutKey } = product('unused');
    expect(image(withoutKey, { width: 320 })).toBeNull();
  });

  it('refuses a width outside 1-4096 with BAD_USER_INPUT', () => {
    for (const width of [0, -1, 4097, 1.5]) {
      expect(() => image(product('https://cdn.example.com/p1.jpg'), { width }), String(width)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'width' }) }),
      );
    }
  });
});
