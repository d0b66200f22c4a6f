import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { ConnectorSchemaError } from '../../../src/connectors/connector-schema-error.js';
import { readConnectors } from '../../../src/connectors/read-connectors.js';
import type { SchemaFile } from '../../../src/gateway-app.js';

const BASE: SchemaFile = {
  name: 'base.graphql',
  sdl: `
    type Query { product(id: ID!): Product }
    type Mutation { touch(id: ID!): Boolean }
    type Product { id: ID! name: String tags: [String!] owner: Owner }
    type Owner { id: ID! }
    interface Node { id: ID! }
    union Thing = Product | Owner
    input Filter { stars: Int }
  `,
};
const SOURCE = '@source(name: "reviews", baseUrlEnv: "REVIEWS_URL")';

/** The problems of one extra schema file, `reviews.graphql`, beside BASE. */
function problemsOf(sdl: string, file = 'reviews.graphql'): readonly string[] {
  try {
    readConnectors([BASE, { name: file, sdl }]);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorSchemaError);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConnectorSchemaError).problems;
  }
  throw new Error('expected a ConnectorSchemaError');
}

/** A reviews file with SOURCE and a Review type, plus `body`. */
const withSource = (body: string) => `extend schema ${SOURCE}\ntype Review { id: ID! productId: ID! stars: Int! }\n${body}`;

describe('readConnectors: what a valid file declares', () => {
  const EXAMPLE = `
    extend schema
      @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", timeoutMs: 500, maxRetries: 1,
              cacheFreshMs: 60000, cacheStaleMs: 600000)
    type Review { id: ID! productId: ID! stars: Int! text: String }
    extend type Product {
      reviews(first: Int = 3): [Review!]
        @connect(source: "reviews", get: "/reviews?productIds={$batch.id}&limit={$args.first}",
                 selection: "items", batchKey: "productId")
    }
    extend type Query {
      review(id: ID!): Review @connect(source: "reviews", get: "/reviews?ids={$args.id}", selection: "items")
      reviewsByIds(ids: [ID!]!): [Review]! @connect(source: "reviews", get: "/reviews?ids={$args.ids}", selection: "items", batchKey: "id")
      myReviews: [Review!]! @connect(source: "reviews", get: "/users/{$viewer.id}/reviews", selection: "items")
    }
  `;

  it('reads the source with its settings, defaults for the rest', () => {
    const { sources } = readConnectors([BASE, { name: 'reviews.graphql', sdl: EXAMPLE }]);
    expect(sources).toEqual([
      {
        name: 'reviews',
        urlEnv: 'REVIEWS_URL',
        file: 'reviews.graphql',
        defaults: {
          timeoutMs: 500,
          maxRetries: 1,
          cache: { freshMs: 60_000, staleMs: 600_000 },
          maxBatchSize: 100,
          connections: 32,
          bulkhead: { maxConcurrent: 64, maxQueue: 256 },
        },
      },
    ]);
  });

  it('reads each field: its template, selection, batching and return shape', () => {
    const { fields } = readConnectors([BASE, { name: 'reviews.graphql', sdl: EXAMPLE }]);
    const summary = fields.map((f) => ({
      at: `${f.typeName}.${f.fieldName}`,
      get: f.template.text,
      selection: f.selection.text,
      batch: f.batch === null ? null : { key: f.batch.key.text, batchKey: f.batch.batchKey, keyIsList: f.batch.keyIsList },
      returns: f.returns,
      needsViewer: f.needsViewer,
    }));
    expect(summary).toEqual([
      {
        at: 'Product.reviews',
        get: '/reviews?productIds={$batch.id}&limit={$args.first}',
        selection: 'items',
        batch: { key: '{$batch.id}', batchKey: 'productId', keyIsList: false },
        returns: { list: true, nullable: true, itemNullable: false, leaf: false },
        needsViewer: false,
      },
      {
        at: 'Query.review',
        get: '/reviews?ids={$args.id}',
        selection: 'items',
        batch: null,
        returns: { list: false, nullable: true, itemNullable: true, leaf: false },
        needsViewer: false,
      },
      {
        at: 'Query.reviewsByIds',
        get: '/reviews?ids={$args.ids}',
        selection: 'items',
        batch: { key: '{$args.ids}', batchKey: 'id', keyIsList: true },
        returns: { list: true, nullable: false, itemNullable: true, leaf: false },
        needsViewer: false,
      },
      {
        at: 'Query.myReviews',
        get: '/users/{$viewer.id}/reviews',
        selection: 'items',
        batch: null,
        returns: { list: true, nullable: false, itemNullable: false, leaf: false },
        needsViewer: true,
      },
    ]);
  });

  it('serves the schema without the directives, and leaves files without connectors as they are', () => {
    const { schemaFiles } = readConnectors([BASE, { name: 'reviews.graphql', sdl: EXAMPLE }]);
    expect(schemaFiles[0]).toBe(BASE);
    expect(schemaFiles[1]!.name).toBe('reviews.graphql');
    expect(schemaFiles[1]!.sdl).not.toMatch(/@source|@connect|extend schema/);
    expect(schemaFiles[1]!.sdl).toContain('reviews(first: Int = 3): [Review!]');
  });

  it('gives back the files themselves when no file has a connector', () => {
    const files = [BASE];
    expect(readConnectors(files)).toEqual({ sources: [], fields: [], schemaFiles: [BASE] });
  });

  it('reads breaker and bulkhead settings with GATEWAY_CONFIG names, filling the breaker defaults as GATEWAY_CONFIG does', () => {
    const sdl = `extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", breaker: { kind: "count", failureRate: 0.5, windowSize: 20 },
      bulkhead: { maxConcurrent: 8 }, halfOpenAfterMs: 2000, maxBatchSize: 50, connections: 4)`;
    const [source] = readConnectors([BASE, { name: 'reviews.graphql', sdl }]).sources;
    expect(source!.defaults).toEqual({
      breaker: { kind: 'count', failureRate: 0.5, windowSize: 20, minimumCalls: 20 },
      bulkhead: { maxConcurrent: 8, maxQueue: 256 },
      halfOpenAfterMs: 2000,
      maxBatchSize: 50,
      connections: 4,
      cache: { freshMs: 0, staleMs: 0 },
    });
  });
});

/** [schema file, the one problem it has (a prefix of the message is enough for long ones)]. */
const SCHEMA_ERRORS: [string, string][] = [
  // The file does not parse.
  ['extend schema @source(name: "reviews"', 'reviews.graphql: Syntax Error: Expected Name, found <EOF>.'],
  // @source.
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", url: "http://x")', 'reviews.graphql: @source(name: "reviews"): unknown argument(s) url (expected name, baseUrlEnv, timeoutMs'],
  ['extend schema @source(name: "reviews")', 'reviews.graphql: @source(name: "reviews"): Argument "baseUrlEnv" of required type "String!" was not provided.'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", timeoutMs: "500")', 'reviews.graphql: @source(name: "reviews"): Argument "timeoutMs" has invalid value "500".'],
  ['extend schema @source(name: "my reviews", baseUrlEnv: "REVIEWS_URL")', 'reviews.graphql: @source(name: "my reviews"): name: expected a letter, then up to 39 letters, digits, _ or -'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "reviews-url")', 'reviews.graphql: @source(name: "reviews"): baseUrlEnv: expected an environment variable name such as REVIEWS_URL, got "reviews-url"'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", timeoutMs: 0)', 'reviews.graphql: @source(name: "reviews"): timeoutMs: expected an integer from 1 to 120000'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", maxBatchSize: 5000)', 'reviews.graphql: @source(name: "reviews"): maxBatchSize: expected an integer from 1 to 1000'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", breaker: { kind: "sometimes" })', 'reviews.graphql: @source(name: "reviews"): breaker.kind: expected kind "consecutive" (threshold), "count"'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", bulkhead: { maxQueue: -1 })', 'reviews.graphql: @source(name: "reviews"): bulkhead.maxQueue: expected an integer from 0 to 1000000'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", cacheFreshMs: 1000)', 'reviews.graphql: @source(name: "reviews"): cacheFreshMs and cacheStaleMs go together: set both or neither'],
  ['extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", cacheFreshMs: 2000, cacheStaleMs: 1000)', 'reviews.graphql: @source(name: "reviews"): cacheFreshMs, cacheStaleMs: freshMs must not exceed staleMs'],
  [
    'extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", timeoutMs: 100, breaker: { kind: "count", failureRate: 0.5, windowSize: 10, slowCallMs: 200, slowCallRate: 0.5 })',
    'reviews.graphql: @source(name: "reviews"): breaker.slowCallMs: expected less than timeoutMs (100), got 200',
  ],
  // @connect: the directive itself.
  [withSource('extend type Query { r: Review @connect(source: "reviews", get: "/r", method: "POST") }'), 'reviews.graphql: Query.r: unknown argument(s) method (expected source, get, selection, batchKey, requiresViewer, maxItems)'],
  [withSource('extend type Query { r: Review @connect(get: "/r") }'), 'reviews.graphql: Query.r: Argument "source" of required type "String!" was not provided.'],
  [withSource('extend type Query { r: Review @connect(source: "revs", get: "/r") }'), 'reviews.graphql: Query.r: @connect(source: "revs"): no @source has that name (declared: reviews)'],
  ['extend type Query { r: Boolean @connect(source: "revs", get: "/r") }', 'reviews.graphql: Query.r: @connect(source: "revs"): no @source has that name (none is declared)'],
  [withSource('extend type Query { r(id: ID!): Review @connect(source: "reviews", get: "/r?id={$args.id") }'), 'reviews.graphql: Query.r: get: has a "{" that is never closed'],
  [withSource('extend type Query { r(id: ID!): Review @connect(source: "reviews", get: "r/{$args.id}") }'), 'reviews.graphql: Query.r: get: must start with "/"'],
  [withSource('extend type Query { r(id: ID!): Review @connect(source: "reviews", get: "/r/{$args.id}", selection: "items[0]") }'), 'reviews.graphql: Query.r: selection: "items[0]" is not a selection'],
  // Variables.
  [withSource('extend type Query { r(id: ID!): Review @connect(source: "reviews", get: "/r/{$args.reviewId}") }'), 'reviews.graphql: Query.r: get: {$args.reviewId} names no argument of Query.r (its arguments: id)'],
  [withSource('extend type Query { r: Review @connect(source: "reviews", get: "/r/{$args.id}") }'), 'reviews.graphql: Query.r: get: {$args.id} names no argument of Query.r (it has none)'],
  [withSource('extend type Query { r(filter: Filter): [Review!] @connect(source: "reviews", get: "/r?f={$args.filter}") }'), 'reviews.graphql: Query.r: get: {$args.filter} is an input object: only scalars, enums and lists of them go into a URL'],
  [withSource('extend type Query { r: Review @connect(source: "reviews", get: "/r/{$this.id}") }'), 'reviews.graphql: Query.r: get: {$this.id}: Query fields have no parent object (use {$args.…})'],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?p={$this.productId}") }'), 'reviews.graphql: Product.r: get: {$this.productId} names no field of Product'],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?o={$this.owner}") }'), 'reviews.graphql: Product.r: get: {$this.owner}: Product.owner is not a scalar or enum'],
  // Batching.
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?p={$batch.id}") }'), "reviews.graphql: Product.r: a list field with {$batch.id} needs batchKey: the field of each returned item that equals the parent's id"],
  [withSource('extend type Product { r: Review @connect(source: "reviews", get: "/r?p={$batch.id}") }'), "reviews.graphql: Product.r: a field with {$batch.id} needs batchKey"],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?p={$batch.id}&n={$batch.name}", batchKey: "productId") }'), 'reviews.graphql: Product.r: get: has 2 {$batch…} variables ({$batch.id}, {$batch.name}): one call batches one key'],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?p={$batch.id}&q={$batch.id}", batchKey: "productId") }'), 'reviews.graphql: Product.r: get: uses {$batch.id} twice'],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?t={$batch.tags}", batchKey: "productId") }'), 'reviews.graphql: Product.r: get: {$batch.tags}: Product.tags is a list; a batch key is one value per parent'],
  [withSource('extend type Product { r: [Review!] @connect(source: "reviews", get: "/r?p={$batch.id}", batchKey: "product") }'), 'reviews.graphql: Product.r: batchKey "product": Review has no field product'],
  [withSource('extend type Product { r: [String!] @connect(source: "reviews", get: "/r?p={$batch.id}", batchKey: "productId") }'), 'reviews.graphql: Product.r: batchKey "productId": the field returns String, not objects with fields'],
  [withSource('extend type Query { r: Review @connect(source: "reviews", get: "/r", batchKey: "id") }'), 'reviews.graphql: Query.r: batchKey needs one key to batch: a {$batch.<field>}, or exactly one {$args.<argument>} (get has none)'],
  [withSource('extend type Query { r(a: ID!, b: ID!): Review @connect(source: "reviews", get: "/r?a={$args.a}&b={$args.b}", batchKey: "id") }'), 'reviews.graphql: Query.r: batchKey needs one key to batch: a {$batch.<field>}, or exactly one {$args.<argument>} (get has {$args.a}, {$args.b})'],
  [withSource('extend type Query { r(ids: [ID!]!): Review @connect(source: "reviews", get: "/r?ids={$args.ids}", batchKey: "id") }'), 'reviews.graphql: Query.r: {$args.ids} is a list, so the field must be a list too (one entry per key, in order)'],
  // Where @connect may sit, what it may return.
  [withSource('extend type Mutation { r(id: ID!): Review @connect(source: "reviews", get: "/r/{$args.id}") }'), 'reviews.graphql: Mutation.r: @connect resolves with a GET, which is not a mutation: mutation fields stay code'],
  [withSource('extend interface Node { r: Review @connect(source: "reviews", get: "/r") }'), 'reviews.graphql: Node.r: @connect is read only on fields of object types, not interfaces'],
  [withSource('extend type Query { r: [[Review]] @connect(source: "reviews", get: "/r") }'), 'reviews.graphql: Query.r: returns a list of lists, which a connector cannot build'],
  [withSource('extend type Query { r: Thing @connect(source: "reviews", get: "/r") }'), 'reviews.graphql: Query.r: returns Thing, an interface or union: a connector cannot tell which type each item is'],
  // maxItems.
  [withSource('extend type Query { r(id: ID!): Review @connect(source: "reviews", get: "/r?ids={$args.id}", maxItems: 10) }'), 'reviews.graphql: Query.r: maxItems: get has no list argument ({$args.<list argument>}) to limit'],
  [withSource('extend type Query { r(ids: [ID!]!): [Review] @connect(source: "reviews", get: "/r?ids={$args.ids}", batchKey: "id", maxItems: 0) }'), 'reviews.graphql: Query.r: maxItems: expected at least 1, got 0'],
];

describe('readConnectors: requiresViewer, maxItems and the viewer as a batch key', () => {
  const fieldsOf = (body: string) => readConnectors([BASE, { name: 'reviews.graphql', sdl: withSource(body) }]).fields;

  it('requiresViewer: true makes a field need a viewer without naming it in the URL; false and absent do not', () => {
    const fields = fieldsOf(`extend type Query {
      a(id: ID!): Review @connect(source: "reviews", get: "/r?ids={$args.id}", selection: "items", batchKey: "id", requiresViewer: true)
      b(id: ID!): Review @connect(source: "reviews", get: "/r?ids={$args.id}", selection: "items", batchKey: "id", requiresViewer: false)
      c(id: ID!): Review @connect(source: "reviews", get: "/r?ids={$args.id}", selection: "items", batchKey: "id")
    }`);
    expect(fields.map((f) => [f.fieldName, f.needsViewer])).toEqual([['a', true], ['b', false], ['c', false]]);
  });

  it('maxItems limits each list argument in get, naming what the list holds', () => {
    const [field] = fieldsOf('extend type Query { r(ids: [ID!]!, tags: [String!]): [Review]! @connect(source: "reviews", get: "/r?ids={$args.ids}", selection: "items", batchKey: "id", maxItems: 100) }');
    expect(field!.listLimits).toEqual([{ argument: 'ids', max: 100, noun: 'ids' }]);
    const [plain] = fieldsOf('extend type Query { r(ids: [ID!]!): [Review]! @connect(source: "reviews", get: "/r?ids={$args.ids}", selection: "items", batchKey: "id") }');
    expect(plain!.listLimits).toEqual([]);
  });

  it('{$viewer.id} is the batch key of a field without argument keys, and needs a viewer', () => {
    const [field] = fieldsOf('extend type Query { me: Review @connect(source: "reviews", get: "/r?ids={$viewer.id}", selection: "items", batchKey: "id") }');
    expect(field!.batch).toEqual({ key: { namespace: 'viewer', name: 'id', text: '{$viewer.id}' }, batchKey: 'id', keyIsList: false });
    expect(field!.needsViewer).toBe(true);
  });
});

describe('readConnectors: every schema error names the file, the field or source, and the problem', () => {
  it.each(SCHEMA_ERRORS.map(([sdl, expected]) => ({ sdl, expected })))('$expected', ({ sdl, expected }) => {
    const problems = problemsOf(sdl);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('names both files when two declare the same source', () => {
    expect(() =>
      readConnectors([BASE, { name: 'a.graphql', sdl: `extend schema ${SOURCE}` }, { name: 'b.graphql', sdl: `extend schema ${SOURCE}` }]),
    ).toThrow('b.graphql: @source(name: "reviews"): declared twice (also in a.graphql)');
  });

  it('reports every problem at once, and no "unknown source" for a source that was declared with a problem', () => {
    const problems = problemsOf(`
      extend schema @source(name: "reviews", baseUrlEnv: "REVIEWS_URL", timeoutMs: -1)
      type Review { id: ID! productId: ID! }
      extend type Product {
        a: [Review!] @connect(source: "reviews", get: "/r?p={$batch.id}")
        b: Review @connect(source: "reviews", get: "/r/{$this.nope}")
      }
    `);
    expect(problems).toEqual([
      'reviews.graphql: @source(name: "reviews"): timeoutMs: expected an integer from 1 to 120000',
      "reviews.graphql: Product.a: a list field with {$batch.id} needs batchKey: the field of each returned item that equals the parent's id",
      'reviews.graphql: Product.b: get: {$this.nope} names no field of Product',
    ]);
  });
});
