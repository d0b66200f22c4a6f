import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recommendationsFor } from '../../backends/recommendations-backend.js';
import { connectorLoader } from '../../src/connectors/connector-loader.js';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/** The ids of each call to a batch endpoint (`?ids=a,b`), in call order. */
const idsOf = (requests: readonly { query: string }[]) => requests.map((r) => new URLSearchParams(r.query).get('ids')!.split(','));

/**
 * The app's users and catalog backends are @source/@connect declarations (schema/user.graphql,
 * schema/catalog.graphql) beside code resolvers on the same types; these are the rules that
 * used to be code in their resolvers, and the loaders code shares with the connectors.
 */
describe('users and catalog as connectors', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // No cache: every answer below comes from the backends, so calls can be counted.
    t = await startTestGateway({}, { cache: false });
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  it('viewer ({$viewer.id}), user(id) ({$args.id}) and Order.user (connectorLoader) are one users call', async () => {
    const { body } = await t.gql('{ viewer { id orders(first: 1) { nodes { user { id } } } } user(id: "u2") { id email } }', { as: 'u1' });
    expect(body).toEqual({ data: { viewer: { id: 'u1', orders: { nodes: [{ user: { id: 'u1' } }] } }, user: { id: 'u2', email: null } } });
    expect(idsOf(t.backends.users.requests)).toEqual([['u1', 'u2']]);
  });

  it('user(id) without a token is UNAUTHENTICATED without a users call (requiresViewer)', async () => {
    const query = '{ user(id: "u2") { id } }';
    const { body } = await t.gql(query);
    expect(body).toEqual({
      data: { user: null },
      errors: [
        {
          message: 'Sign in required: send Authorization: Bearer <token>',
          locations: locationOf(query, 'user'),
          path: ['user'],
          extensions: { code: 'UNAUTHENTICATED', retryable: false },
        },
      ],
    });
    expect(t.backends.users.stats().requests).toBe(0);
  });

  it('products(ids) with 101 ids is BAD_USER_INPUT without a catalog call (maxItems)', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `"p${i + 1}"`).join(', ');
    const query = `{ products(ids: [${ids}]) { id } }`;
    const { body } = await t.gql(query);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: 'ids may hold at most 100 ids',
          locations: locationOf(query, 'products'),
          path: ['products'],
          extensions: { code: 'BAD_USER_INPUT', retryable: false, argument: 'ids', max: 100, actual: 101 },
        },
      ],
    });
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('recommendations load their products through the loader of Query.product: a product already asked for is not asked again', async () => {
    const [first, second, third] = recommendationsFor('u1');
    const { body } = await t.gql(`{ product(id: "${first}") { id } recommendations(first: 3) { id } }`, { as: 'u1' });
    expect(body).toEqual({ data: { product: { id: first }, recommendations: [{ id: first }, { id: second }, { id: third }] } });
    // product(id) asks in the first tick; the recommended ids arrive later, and only the new ones are asked for.
    expect(idsOf(t.backends.catalog.requests)).toEqual([[first], [second, third]]);
  });

  it('User.email stays code on the connector-built User: the viewer sees their own only', async () => {
    const { body } = await t.gql('{ viewer { id email } user(id: "u2") { id email } }', { as: 'u2' });
    expect(body.data).toEqual({ viewer: { id: 'u2', email: expect.stringContaining('@') }, user: { id: 'u2', email: expect.stringContaining('@') } });
    const other = await t.gql('{ user(id: "u2") { email } }', { as: 'u1' });
    expect(other.body.data).toEqual({ user: { email: null } });
  });
});

describe('connectorLoader: a spec that cannot work is a programming error, named', () => {
  const ctx = { loaders: { 'connector:catalog': { batch: () => null } }, call: { requestId: 'r', viewerId: null } };
  it.each([
    [{ source: 'catalogue', get: '/products?ids={$batch.id}', batchKey: 'id' }, 'connectorLoader: no @source named "catalogue" is served by this gateway'],
    [{ source: 'catalog', get: '/products?ids={$batch.id}&x={$args.x}', batchKey: 'id' }, 'connectorLoader("/products?ids={$batch.id}&x={$args.x}"): get must have exactly one variable, where the keys go (it has 2)'],
    [{ source: 'catalog', get: 'products?ids={$batch.id}', batchKey: 'id' }, 'connectorLoader("products?ids={$batch.id}"): must start with "/"'],
    [{ source: 'catalog', get: '/products?ids={$batch.id}', selection: 'items[0]', batchKey: 'id' }, 'is not a selection'],
  ])('%j', (spec, message) => {
    expect(() => connectorLoader(ctx as never, spec)).toThrow(message);
  });
});
