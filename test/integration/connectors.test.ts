import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceSettings } from '../../src/upstream/service-settings.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * @source/@connect beyond the guide's example, against the catalog and users reference
 * backends declared a second time as sources: keys from arguments sharing a loader, list
 * arguments, per-parent calls, 404s, the viewer, selections, refused keys, split batches.
 */
const SCHEMA_FILE = {
  name: 'connected.graphql',
  sdl: /* GraphQL */ `
    extend schema
      @source(name: "shop", baseUrlEnv: "SHOP_URL", maxRetries: 0)
      @source(name: "shop-small", baseUrlEnv: "SHOP_URL", maxBatchSize: 2, maxRetries: 0)
      @source(name: "people", baseUrlEnv: "PEOPLE_URL", maxRetries: 0)

    extend type Query {
      productVia(id: ID!): Product @connect(source: "shop", get: "/products?ids={$args.id}", selection: "items", batchKey: "id")
      productsVia(ids: [ID!]!): [Product]! @connect(source: "shop", get: "/products?ids={$args.ids}", selection: "items", batchKey: "id")
      productsSmall(ids: [ID!]!): [Product]! @connect(source: "shop-small", get: "/products?ids={$args.ids}", selection: "items", batchKey: "id")
      productAt(id: ID!): Product @connect(source: "shop", get: "/products/{$args.id}")
      productAtStrict(id: ID!): Product! @connect(source: "shop", get: "/products/{$args.id}")
      firstProductName(ids: [ID!]!): String @connect(source: "shop", get: "/products?ids={$args.ids}", selection: "items.0.name")
      productMisread(id: ID!): Product @connect(source: "shop", get: "/products?ids={$args.id}", selection: "data.items")
      viewerVia: User @connect(source: "people", get: "/users/{$viewer.id}")
    }

    extend type OrderItem {
      productVia: Product @connect(source: "shop", get: "/products?ids={$batch.productId}", selection: "items", batchKey: "id")
    }

    extend type Product {
      again: Product @connect(source: "shop", get: "/products/{$this.id}")
    }
  `,
};

describe('connectors', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      {},
      {
        extraSchemaFiles: [SCHEMA_FILE],
        backendEnv: (urls) => ({ SHOP_URL: urls.catalog, PEOPLE_URL: urls.users }),
        gatewayConfig: { services: { shop: { timeoutMs: 321 } } },
      },
    );
  });
  afterEach(() => {
    t.backends.catalog.clearFault();
    t.resetBackendStats();
  });
  afterAll(() => t.close());

  const catalogCalls = () => t.backends.catalog.requests.map((r) => (r.query === '' ? r.path : `${r.path}?${r.query}`));

  it('lets GATEWAY_CONFIG override a source by its name, over the directive and the defaults', () => {
    const services = t.config.services as Record<string, ServiceSettings>;
    expect(services.shop!.timeoutMs).toBe(321);
    expect(services['shop-small']!.timeoutMs).toBe(1000);
    expect(services['shop-small']!.maxBatchSize).toBe(2);
  });

  it('batches keys from arguments through one loader per request shape: a single and a list argument make one call', async () => {
    const { body } = await t.gql('{ productVia(id: "p1") { id name } productsVia(ids: ["p2", "p1", "p999"]) { id } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      productVia: { id: 'p1', name: expect.any(String) },
      productsVia: [{ id: 'p2' }, { id: 'p1' }, null],
    });
    expect(catalogCalls()).toEqual(['/products?ids=p1,p2,p999']);
  });

  it('batches {$batch.x} of every parent of a request into one call, each item to its parent', async () => {
    const query = '{ viewer { orders(first: 3) { nodes { items { productId productVia { id } } } } } }';
    const { body } = await t.gql(query, { as: 'u1' });
    expect(body.errors).toBeUndefined();
    const items = (body.data!.viewer as { orders: { nodes: { items: { productId: string; productVia: { id: string } }[] }[] } }).orders.nodes.flatMap(
      (order) => order.items,
    );
    expect(items.length).toBeGreaterThan(3);
    for (const item of items) expect(item.productVia).toEqual({ id: item.productId });
    expect(catalogCalls()).toHaveLength(1);
    const asked = new URLSearchParams(t.backends.catalog.requests[0]!.query).get('ids')!.split(',');
    expect(asked.sort()).toEqual([...new Set(items.map((item) => item.productId))].sort());
  });

  it('splits a batch at the source’s maxBatchSize and asks each key once, answering every position', async () => {
    const { body } = await t.gql('{ productsSmall(ids: ["p1", "p2", "p3", "p1", "p4", "p5"]) { id } }');
    expect(body.data).toEqual({ productsSmall: ['p1', 'p2', 'p3', 'p1', 'p4', 'p5'].map((id) => ({ id })) });
    expect(catalogCalls()).toEqual(['/products?ids=p1,p2', '/products?ids=p3,p4', '/products?ids=p5']);
  });

  it('calls once per parent with {$this.x}', async () => {
    const { body } = await t.gql('{ product(id: "p3") { id again { id name } } }');
    expect(body.data).toEqual({ product: { id: 'p3', again: { id: 'p3', name: expect.any(String) } } });
    expect(catalogCalls()).toContain('/products/p3');
  });

  it('answers null for a 404 on a nullable field, and an UPSTREAM_ERROR that is not retryable on a non-null one', async () => {
    const nullable = await t.gql('{ productAt(id: "p999") { id } }');
    expect(nullable.body).toEqual({ data: { productAt: null } });
    const strict = await t.gql('{ productAtStrict(id: "p999") { id } }');
    expect(strict.body.data).toBeNull();
    expect(strict.body.errors).toEqual([
      expect.objectContaining({ path: ['productAtStrict'], extensions: { code: 'UPSTREAM_ERROR', service: 'shop', retryable: false } }),
    ]);
  });

  it('answers UNAUTHENTICATED for {$viewer.id} without a viewer, without calling the backend, and the viewer’s own data with one', async () => {
    const anonymous = await t.gql('{ viewerVia { id } }');
    expect(anonymous.body.data).toEqual({ viewerVia: null });
    expect(anonymous.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', retryable: false });
    expect(t.backends.users.stats().requests).toBe(0);
    const signedIn = await t.gql('{ viewerVia { id name } }', { as: 'u7' });
    expect(signedIn.body.data).toEqual({ viewerVia: { id: 'u7', name: expect.any(String) } });
    expect(t.backends.users.requests.map((r) => r.path)).toEqual(['/users/u7']);
  });

  it('selects into the body, down to a scalar', async () => {
    const { body } = await t.gql('{ productVia(id: "p4") { name } firstProductName(ids: ["p4", "p5"]) }');
    expect(body.data!.firstProductName).toBe((body.data!.productVia as { name: string }).name);
  });

  it('fails the field alone, as the backend’s fault, when the body has no such part, or is not JSON', async () => {
    const misread = await t.gql('{ product(id: "p1") { id } productMisread(id: "p1") { id } }');
    expect(misread.body.data).toEqual({ product: { id: 'p1' }, productMisread: null });
    expect(misread.body.errors).toEqual([
      expect.objectContaining({
        message: 'shop sent an invalid answer',
        path: ['productMisread'],
        extensions: { code: 'UPSTREAM_ERROR', service: 'shop', retryable: true, retryAfter: 1 },
      }),
    ]);
    t.backends.catalog.setFault({ mode: 'garbage' });
    const garbage = await t.gql('{ productAt(id: "p2") { id } }');
    expect(garbage.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR', service: 'shop', retryable: true, retryAfter: 1 });
  });

  it('refuses a key the batch contract cannot carry, without a call', async () => {
    const { body } = await t.gql('{ productVia(id: "p1,p2") { id } }');
    expect(body.data).toEqual({ productVia: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(catalogCalls()).toEqual([]);
  });
});
