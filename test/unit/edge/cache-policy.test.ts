import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCachePolicy } from '../../../src/edge/cache-policy.js';
import { createSchema } from '../../../src/create-schema.js';
import { gatewayApp } from '../../../app/gateway-app.js';

const SDL = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query {
    product(id: ID!): Product
    stock(id: ID!): Stock @cacheControl(maxAge: 5)
    me: User
    banner: Banner @cacheControl(inheritMaxAge: true)
    ping: String
    version: String @cacheControl(maxAge: 300)
    node(id: ID!): Node
  }
  mutation_placeholder: String
  interface Node @cacheControl(maxAge: 30) { id: ID! }
  type Product implements Node @cacheControl(maxAge: 60) {
    id: ID!
    name: String
    stock: Stock
    reviews: [Review] @cacheControl(maxAge: 20)
    seller: User
    myRating: Int @cacheControl(scope: PRIVATE)
  }
  type Stock @cacheControl(maxAge: 10) { count: Int }
  type Review { text: String }
  type User { id: ID! }
  type Banner { text: String }
  type Mutation { touch: Product }
`.replace('  mutation_placeholder: String\n', '');

describe('createCachePolicy (Apollo @cacheControl semantics)', () => {
  const policyOf = createCachePolicy(buildSchema(SDL));
  const policy = (query: string) => policyOf(parse(query));

  it('takes the type hint for a field returning it, and the smallest max age of the operation', () => {
    expect(policy('{ product(id: "1") { id name } }')).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    expect(policy('{ product(id: "1") { id stock { count } } }')).toEqual({ maxAge: 10, scope: 'PUBLIC' });
  });

  it('a field hint wins over the type hint', () => {
    expect(policy('{ stock(id: "1") { count } }')).toEqual({ maxAge: 5, scope: 'PUBLIC' });
    // Review has no hint of its own: without the field's, reviews would not be cacheable.
    expect(policy('{ product(id: "1") { reviews { text } } }')).toEqual({ maxAge: 20, scope: 'PUBLIC' });
  });

  it('an object field without any hint, and a root scalar without one, are not cacheable', () => {
    expect(policy('{ product(id: "1") { seller { id } } }').maxAge).toBe(0);
    expect(policy('{ me { id } }').maxAge).toBe(0);
    expect(policy('{ ping }').maxAge).toBe(0);
    expect(policy('{ version }')).toEqual({ maxAge: 300, scope: 'PUBLIC' });
  });

  it('a PRIVATE field makes the whole operation private', () => {
    expect(policy('{ product(id: "1") { id myRating } }').scope).toBe('PRIVATE');
  });

  it('inheritMaxAge adds no limit of its own; an operation with no limit at all is not cacheable', () => {
    expect(policy('{ version banner { text } }')).toEqual({ maxAge: 300, scope: 'PUBLIC' });
    expect(policy('{ banner { text } }').maxAge).toBe(0);
    expect(policy('{ __typename }').maxAge).toBe(0);
  });

  it('follows fragments and interfaces; only the operation that runs counts; mutations never', () => {
    const document = parse(`
      query A { node(id: "1") { id ... on Product { ...P } } }
      query B { me { id } }
      fragment P on Product { stock { count } }
    `);
    expect(policyOf(document, 'A')).toEqual({ maxAge: 10, scope: 'PUBLIC' });
    expect(policyOf(document, 'B').maxAge).toBe(0);
    expect(policy('mutation { touch { id } }').maxAge).toBe(0);
    expect(policy('{ __schema { queryType { name } } }').maxAge).toBe(0);
  });

  it('works a document out once', () => {
    const document = parse('{ product(id: "1") { id } }');
    expect(policyOf(document)).toBe(policyOf(document));
  });

  it('refuses a negative max age at start-up', () => {
    const bad = buildSchema(`${SDL}\nextend type Query { bad: Int @cacheControl(maxAge: -1) }`);
    expect(() => createCachePolicy(bad)).toThrow(/Query\.bad must be 0 or more seconds/);
  });
});

describe("the app's schema: catalog reads are public for 60 s, nothing else is", () => {
  const policyOf = createCachePolicy(createSchema(gatewayApp));
  const policy = (query: string) => policyOf(parse(query));

  it('products and their images are public; viewer data, orders and recommendations are not', () => {
    expect(policy('{ product(id: "p1") { id name image(width: 100) { url width height } } }')).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    expect(policy('{ products(ids: ["p1"]) { id } }')).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    expect(policy('{ recommendations(first: 1) { id } }').scope).toBe('PRIVATE');
    expect(policy('{ viewer { id } }').maxAge).toBe(0);
    expect(policy('{ order(id: "o1") { items { product { id } } } }').maxAge).toBe(0);
    expect(policy('{ ordersDelta { syncToken } }').maxAge).toBe(0);
  });
});

describe('createCachePolicy on a fragment bomb', () => {
  // Found by the fragment-bomb integration test: an anonymous GET of such a document
  // (cheap for the cost limit: it selects only scalars) walked 2^n spreads.
  it('works each fragment out once: 2^40 spreads cost 40 walks', () => {
    const policyOf = createCachePolicy(buildSchema(SDL));
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Product { ...F${i + 1} ...F${i + 1} }`);
    const document = parse(`{ product(id: "1") { ...F0 } } ${fragments.join(' ')} fragment F40 on Product { stock { count } myRating }`);
    const started = performance.now();
    expect(policyOf(document)).toEqual({ maxAge: 10, scope: 'PRIVATE' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
