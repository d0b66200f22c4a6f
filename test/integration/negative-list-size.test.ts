import { getDirectiveValues, isObjectType } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * List sizes are clamped to 1..the field's maximum (`@cost(maxListSize)`) before they
 * are costed. A negative `first` used to make its part of the cost hugely negative,
 * which paid for an expensive sibling (100 orders, each listing its user's 100 orders:
 * 101 backend calls): the resolver refused the negative value only after the cost
 * check had let the whole document run.
 */
describe('negative list size: a negative `first` never makes a query cheaper', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  const EXPENSIVE = 'orders(first: 100) { nodes { user { orders(first: 100) { nodes { id } } } } }';
  // viewer 1 + orders 100 (one backend page) + nodes 1 + 100 × (user 1 + orders 100 + nodes 1 + 100 × id)
  const EXPENSIVE_COST = 1 + 100 + 1 + 100 * (1 + 100 + 1 + 100);
  // viewer 1 + orders 1 (first clamped to 1) + nodes 1 + 1 × id
  const NEGATIVE_COST = 4;

  const tooComplex = (actual: number) => ({
    errors: [
      {
        message: `Query is too complex: cost ${actual} exceeds the limit of 5000`,
        extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 5000, actual },
      },
    ],
  });
  const backendCalls = () =>
    (['users', 'catalog', 'orders', 'recommendations'] as const).reduce((sum, name) => sum + t.backends[name].stats().requests, 0);

  it('an alias with first: -2147483648 beside an expensive selection is 400 QUERY_TOO_COMPLEX, before any backend call', async () => {
    const query = `{ a: viewer { orders(first: -2147483648) { nodes { id } } } b: viewer { ${EXPENSIVE} } }`;
    const { status, body } = await t.gql(query, { as: 'u1' });
    expect(status).toBe(400);
    expect(body).toEqual(tooComplex(NEGATIVE_COST + EXPENSIVE_COST));
    expect(backendCalls()).toBe(0);
  });

  it('the same through a variable', async () => {
    const query = `query ($n: Int!) { a: viewer { orders(first: $n) { nodes { id } } } b: viewer { ${EXPENSIVE} } }`;
    const { status, body } = await t.gql(query, { as: 'u1', variables: { n: -2_147_483_648 } });
    expect(status).toBe(400);
    expect(body).toEqual(tooComplex(NEGATIVE_COST + EXPENSIVE_COST));
    expect(backendCalls()).toBe(0);
  });

  it('first above the maximum (100) is costed as 100, what the resolver could serve', async () => {
    const query = '{ viewer { orders(first: 1000000) { nodes { user { orders(first: 1000000) { nodes { id } } } } } } }';
    const { status, body } = await t.gql(query, { as: 'u1' });
    expect(status).toBe(400);
    expect(body).toEqual(tooComplex(EXPENSIVE_COST));
  });

  it("every @cost(maxListSize) is its resolver's own maximum: one more is BAD_USER_INPUT with that max", async () => {
    const schema = t.gateway.yoga.getEnveloped().schema;
    const declared: Record<string, number> = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const cost = field.astNode ? getDirectiveValues(schema.getDirective('cost')!, field.astNode) : undefined;
        if (typeof cost?.maxListSize === 'number') declared[`${type.name}.${field.name}`] = cost.maxListSize;
      }
    }
    expect(declared).toEqual({ 'Query.products': 100, 'Query.recommendations': 50, 'Query.ordersDelta': 500, 'User.orders': 100 });
    const ids = (n: number) => `[${Array.from({ length: n }, (_, i) => `"p${i + 1}"`).join(', ')}]`;
    const overTheMax: Record<string, string> = {
      'Query.products': `{ products(ids: ${ids(101)}) { id } }`,
      'Query.recommendations': '{ recommendations(first: 51) { id } }',
      'Query.ordersDelta': '{ ordersDelta(first: 501) { hasMore } }',
      'User.orders': '{ viewer { orders(first: 101) { pageInfo { hasNextPage } } } }',
    };
    for (const [coordinate, query] of Object.entries(overTheMax)) {
      const { body } = await t.gql(query, { as: 'u1' });
      expect(body.errors?.[0]?.extensions, coordinate).toMatchObject({ code: 'BAD_USER_INPUT', max: declared[coordinate] });
    }
  });

  it('a cheap query with a negative first passes the cost check and the resolver refuses the value', async () => {
    const query = '{ viewer { orders(first: -5) { nodes { id } } } }';
    const { status, body } = await t.gql(query, { as: 'u1' });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { viewer: null },
      errors: [
        {
          message: 'first must be between 1 and 100',
          locations: locationOf(query, 'orders'),
          path: ['viewer', 'orders'],
          extensions: { code: 'BAD_USER_INPUT', retryable: false, argument: 'first', min: 1, max: 100, actual: -5 },
        },
      ],
    });
  });
});
