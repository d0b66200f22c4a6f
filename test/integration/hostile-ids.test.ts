import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/** Ids the gateway must never put in a backend URL: a comma is two ids at a batch endpoint. */
const HOSTILE = ['p1,p2', 'x'.repeat(129), '', 'p1 p2', '../admin', 'p1%2Cp2', 'p1&ids=p2'];

describe('ids are checked before they reach a backend', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { cache: false });
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  it.each(HOSTILE)('product(id: %j) is BAD_USER_INPUT and calls no backend', async (id) => {
    const { status, body } = await t.gql('query($id: ID!) { product(id: $id) { id name } }', { variables: { id } });
    expect(status).toBe(200);
    expect(body.data).toEqual({ product: null });
    expect(body.errors).toMatchObject([{ path: ['product'], extensions: { code: 'BAD_USER_INPUT', retryable: false, argument: 'id' } }]);
    // The id is not echoed back.
    expect(body.errors![0]!.message).not.toContain(id === '' ? '\u0000' : id);
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('a hostile id among good ones fails alone; the good ones come in one call', async () => {
    const { body } = await t.gql('query($ids: [ID!]!) { products(ids: $ids) { id } }', { variables: { ids: ['p1', 'p2,p3', 'p4'] } });
    expect(body.data).toEqual({ products: [{ id: 'p1' }, null, { id: 'p4' }] });
    expect(body.errors).toMatchObject([{ path: ['products', 1], extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(t.backends.catalog.stats().requests).toBe(1);
    expect(t.backends.catalog.requests.map((request) => request.query)).toEqual(['ids=p1,p4']);
  });

  it('user(id) and order(id) refuse them the same way', async () => {
    const { body } = await t.gql('{ user(id: "u1,u2") { id } order(id: "o1-1,o2-1") { id } }', { as: 'u1' });
    expect(body.data).toEqual({ user: null, order: null });
    expect(body.errors!.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(t.backends.users.stats().requests + t.backends.orders.stats().requests).toBe(0);
  });

  it('ordinary ids still work (letters, digits, - _ . : ~ = +)', async () => {
    const { body } = await t.gql('{ a: product(id: "p7") { id } b: product(id: "p-x_y.z:1~=+") { id } }');
    expect(body.data).toEqual({ a: { id: 'p7' }, b: null });
    expect(body.errors).toBeUndefined();
  });
});
