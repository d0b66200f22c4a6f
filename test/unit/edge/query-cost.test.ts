import { buildSchema, getIntrospectionQuery, getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clampListSize, createQueryCost, MAX_COST, MAX_LIST_SIZE } from '../../../src/edge/query-cost.js';

const SDL = /* GraphQL */ `
  directive @cost(maxListSize: Int, perParent: Boolean = false) on FIELD_DEFINITION
  type Query {
    viewer: User
    product(id: ID!): Product
    products(ids: [ID!]!): [Product]! @cost(maxListSize: 100)
    catalog(first: Int): [Product!]!
  }
  type User {
    id: ID!
    orders(first: Int = 20): OrderConnection! @cost(maxListSize: 100, perParent: true)
  }
  type OrderConnection {
    nodes: [Order!]!
  }
  type Order {
    id: ID!
    user: User
    items: [Item!]!
  }
  type Item {
    product: Product
  }
  type Product {
    id: ID!
    name: String
  }
`;
const schema = buildSchema(SDL);
const queryCost = createQueryCost(schema, { defaultListSize: 10 });

/** The cost of a one-operation document. */
function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query, { maxTokens: 1_000_000 });
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return queryCost(getOperationAST(document)!, fragments, variables);
}

const repeat = (count: number, text: string) => Array.from({ length: count }, () => text).join(' ');

/** `{ ...A ×n } fragment A on Query { ...B ×n } … fragment D on Query { leaf }`. */
function fragmentBomb(spreads: number, leaf: string): string {
  const names = ['A', 'B', 'C', 'D'];
  const fragments = names.map((name, i) => `fragment ${name} on Query { ${i + 1 < names.length ? repeat(spreads, `...${names[i + 1]}`) : leaf} }`);
  return `{ ${repeat(spreads, '...A')} } ${fragments.join(' ')}`;
}

describe('createQueryCost: fragments are costed once', () => {
  it('a fragment bomb at the token limit (246 spreads × 4 levels) costs exactly 2 × 246⁴, in milliseconds', () => {
    const started = performance.now();
    const cost = costOf(fragmentBomb(246, 'product(id: "p1") { id }'));
    // The exponential walk took minutes; the bound is loose so a loaded CI machine never trips it.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cost).toBe(2 * 246 ** 4);
  });

  it('the same bomb selecting only __typename costs 0: nothing to fetch', () => {
    expect(costOf(fragmentBomb(246, '__typename'))).toBe(0);
  });

  it('200 fragments each spreading the next twice (2²⁰⁰ leaves) saturates at MAX_COST instead of Infinity or NaN', () => {
    let query = '{ ...F0 ...F0 }';
    for (let i = 0; i < 200; i += 1) query += ` fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`;
    query += ' fragment F200 on Query { product(id: "p1") { id } }';
    const started = performance.now();
    expect(costOf(query)).toBe(MAX_COST);
    // The exponential walk took minutes; the bound is loose so a loaded CI machine never trips it.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('one fragment under two connections of different sizes is costed for each size', () => {
    const query = '{ viewer { a: orders(first: 2) { ...Ids } b: orders(first: 3) { ...Ids } } } fragment Ids on OrderConnection { nodes { id } }';
    // viewer 1 + a (page 2 + nodes 1 + 2 × 1) + b (page 3 + nodes 1 + 3 × 1)
    expect(costOf(query)).toBe(1 + 5 + 7);
  });

  it('a fragment spread once costs what its selection costs inline', () => {
    const inline = costOf('{ viewer { orders(first: 5) { nodes { items { product { id name } } } } } }');
    const spread = costOf('{ viewer { ...V } } fragment V on User { orders(first: 5) { nodes { ...I } } } fragment I on Order { items { product { id name } } }');
    expect(spread).toBe(inline);
    // viewer 1 + orders 5 + nodes 1 + 5 × (items 1 + 10 × (product 1 + 2))
    expect(inline).toBe(1 + 5 + 1 + 5 * (1 + 10 * 3));
  });
});

describe('createQueryCost: list sizes are clamped', () => {
  it('a negative first costs as 1, literal or variable: never a negative total', () => {
    expect(costOf('{ viewer { orders(first: -2147483648) { nodes { id } } } }')).toBe(1 + 1 + 1 + 1);
    const viaVariable = costOf('query ($n: Int) { viewer { orders(first: $n) { nodes { id } } } }', { n: -2_147_483_648 });
    expect(viaVariable).toBe(4);
  });

  it('a negative alias no longer pays for an expensive sibling', () => {
    const expensive = 'orders(first: 100) { nodes { user { orders(first: 100) { nodes { id } } } } }';
    const alone = costOf(`{ viewer { ${expensive} } }`);
    const withNegative = costOf(`{ viewer { x: orders(first: -2147483648) { nodes { id } } ${expensive} } }`);
    // orders 100 + nodes 1 + 100 × (user 1 + orders 100 + nodes 1 + 100 × id)
    expect(alone).toBe(1 + 100 + 1 + 100 * (1 + 100 + 1 + 100));
    expect(withNegative).toBe(alone + 3);
    expect(withNegative).toBeGreaterThan(5000);
  });

  it('first above the field’s maxListSize costs as the maximum (the resolver serves no more)', () => {
    expect(costOf('{ viewer { orders(first: 1000000) { nodes { id } } } }')).toBe(1 + 100 + 1 + 100);
  });

  it('ids beyond maxListSize cost as the maximum; within it, as many as given', () => {
    const ids = (n: number) => `[${Array.from({ length: n }, (_, i) => `"p${i}"`).join(', ')}]`;
    expect(costOf(`{ products(ids: ${ids(50)}) { id } }`)).toBe(1 + 50);
    expect(costOf(`{ products(ids: ${ids(150)}) { id } }`)).toBe(1 + 100);
    expect(costOf('query ($ids: [ID!]!) { products(ids: $ids) { id } }', { ids: Array.from({ length: 5000 }, (_, i) => `p${i}`) })).toBe(1 + 100);
    expect(costOf('{ products(ids: []) { id } }')).toBe(1 + 1);
  });

  it('odd variable values (Infinity, NaN, fractions, 1e300) give a finite, non-negative, whole cost', () => {
    const query = 'query ($n: Int) { catalog(first: $n) { id } viewer { orders(first: $n) { nodes { id } } } }';
    for (const n of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 2.5, 1e300, -0.5, 0]) {
      const cost = costOf(query, { n });
      expect(Number.isSafeInteger(cost), `n = ${n}: ${cost}`).toBe(true);
      expect(cost).toBeGreaterThan(0);
    }
    // A field without maxListSize is cut at the largest Int; orders at its 100.
    expect(costOf(query, { n: Number.POSITIVE_INFINITY })).toBe(1 + MAX_LIST_SIZE + 1 + 100 + 1 + 100);
    expect(costOf(query, { n: 2.5 })).toBe(1 + 3 + 1 + 3 + 1 + 3);
  });

  it('clampListSize: at least 1, at most the maximum, whole, and the maximum when unreadable', () => {
    expect(clampListSize(-5, 100)).toBe(1);
    expect(clampListSize(0, 100)).toBe(1);
    expect(clampListSize(2.1, 100)).toBe(3);
    expect(clampListSize(101, 100)).toBe(100);
    expect(clampListSize(Number.POSITIVE_INFINITY)).toBe(MAX_LIST_SIZE);
    expect(clampListSize(Number.NEGATIVE_INFINITY)).toBe(1);
    expect(clampListSize(Number.NaN, 50)).toBe(50);
  });
});

describe('createQueryCost: backend work', () => {
  it('a per-parent field costs its page once per parent', () => {
    // 12 aliases of 100 orders, each order's user listing its 20 orders: 12 + 1200 backend calls.
    const alias = (i: number) => `a${i}: orders(first: 100) { nodes { user { orders { nodes { id } } } } }`;
    const query = `{ viewer { ${Array.from({ length: 12 }, (_, i) => alias(i)).join(' ')} } }`;
    // per alias: orders 100 + nodes 1 + 100 × (user 1 + orders 20 + nodes 1 + 20 × id)
    expect(costOf(query)).toBe(1 + 12 * (100 + 1 + 100 * (1 + 20 + 1 + 20)));
  });

  it('a list whose entries select only __typename still costs 1 per entry', () => {
    expect(costOf('{ catalog(first: 40) { __typename } }')).toBe(1 + 40);
  });

  it("introspection costs 1 (no backend call), graphql-js' standard query too; a backend field beside it is still costed", () => {
    expect(costOf(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }))).toBe(1);
    expect(costOf('{ __type(name: "Product") { fields { name type { ofType { name } } } } }')).toBe(1);
    expect(costOf('{ __schema { types { name } } catalog(first: 40) { id } }')).toBe(1 + 1 + 40);
  });

  it('a schema whose @cost declares maxListSize below 1 is refused when the estimator is built', () => {
    const bad = buildSchema(`${SDL.replace('@cost(maxListSize: 100)', '@cost(maxListSize: 0)')}`);
    expect(() => createQueryCost(bad, { defaultListSize: 10 })).toThrow('@cost on Query.products: maxListSize must be a positive integer, got 0');
  });
});
