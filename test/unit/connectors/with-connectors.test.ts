import type { GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConnectorSchemaError } from '../../../src/connectors/connector-schema-error.js';
import { withConnectors } from '../../../src/connectors/with-connectors.js';
import { createSchema } from '../../../src/create-schema.js';
import type { GatewayApp } from '../../../src/gateway-app.js';
import { defineService } from '../../../src/services/service-definition.js';

const catalog = defineService({
  urlEnv: 'CATALOG_URL',
  cacheKind: 'product',
  defaults: { maxBatchSize: 10, connections: 1, bulkhead: { maxConcurrent: 1, maxQueue: 1 }, cache: { freshMs: 0, staleMs: 0 } },
  createService: () => ({}),
  createLoaders: () => ({}),
});
const BASE = { name: 'base.graphql', sdl: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! }' };
const REVIEWS = {
  name: 'reviews.graphql',
  sdl: `extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL")
    type Review { id: ID! productId: ID! }
    extend type Product { reviews: [Review!] @connect(source: "reviews", get: "/reviews?productIds={$batch.id}", selection: "items", batchKey: "productId") }`,
};
const productResolver = () => null;

function app(schemaFiles: GatewayApp['schemaFiles'], resolvers: GatewayApp['resolvers'] = { Query: { product: productResolver } }): GatewayApp {
  return { schemaFiles, resolvers, services: { catalog } };
}

describe('withConnectors', () => {
  it('leaves an app without connectors as it is', () => {
    const plain = app([BASE]);
    expect(withConnectors(plain)).toBe(plain);
  });

  it('adds each @source as a service beside the code-defined ones, and a resolver for each @connect field', () => {
    const declared = app([BASE, REVIEWS]);
    const connected = withConnectors(declared);
    expect(Object.keys(connected.services)).toEqual(['catalog', 'reviews']);
    expect(connected.services.catalog).toBe(catalog);
    expect(connected.services.reviews).toMatchObject({
      urlEnv: 'REVIEWS_URL',
      cacheKind: 'source.reviews',
      defaults: { maxBatchSize: 100, cache: { freshMs: 0, staleMs: 0 } },
    });
    const resolvers = connected.resolvers as Record<string, Record<string, unknown>>[];
    expect(resolvers[0]).toEqual({ Query: { product: productResolver } });
    expect(typeof resolvers[1]!.Product!.reviews).toBe('function');
  });

  it('serves a schema in which clients see neither the directives nor their settings', () => {
    const schema = createSchema(withConnectors(app([BASE, REVIEWS])));
    expect(schema.getDirective('source')).toBeUndefined();
    expect(schema.getDirective('connect')).toBeUndefined();
    expect(schema.getType('ConnectorBreaker')).toBeUndefined();
    expect(Object.keys((schema.getType('Product') as GraphQLObjectType).getFields())).toEqual(['id', 'reviews']);
  });

  it('works an app out once: the config loader and the gateway get the same services', () => {
    const declared = app([BASE, REVIEWS]);
    const connected = withConnectors(declared);
    expect(withConnectors(declared)).toBe(connected);
    expect(withConnectors(connected)).toBe(connected);
  });

  it('refuses a source named like a code-defined service', () => {
    const clash = { name: 'clash.graphql', sdl: 'extend schema @source(name: "catalog", baseUrlEnv: "CATALOG2_URL")' };
    expect(() => withConnectors(app([BASE, clash]))).toThrow(ConnectorSchemaError);
    expect(() => withConnectors(app([BASE, clash]))).toThrow('clash.graphql: @source(name: "catalog"): a code-defined service already has that name');
  });

  it('refuses a @connect field that code resolves too', () => {
    const both = app([BASE, REVIEWS], [{ Query: { product: productResolver } }, { Product: { reviews: () => [] } }]);
    expect(() => withConnectors(both)).toThrow('reviews.graphql: Product.reviews: has @connect and a resolver in code: keep one');
  });
});
