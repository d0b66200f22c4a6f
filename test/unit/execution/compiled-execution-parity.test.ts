import { GraphQLError, GraphQLScalarType } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { ExecutedAs } from '../../../src/execution/compile-operation.js';
import { maskError } from '../../../src/errors/mask-error.js';
import { useCompiledExecution } from '../../../src/plugins/use-compiled-execution.js';
import { useErrorRequestIds } from '../../../src/plugins/use-error-request-ids.js';
import { useRequestIdHeader } from '../../../src/plugins/use-request-id-header.js';
import { useStandaloneRequestScope } from '../../helpers/standalone-request-scope.js';

/**
 * The same yoga server twice, with the gateway's masking and request ids, once with
 * compiled execution and once without: every query below must get the same status and
 * the same bytes from both. The schema has a field for each way a field can fail.
 */
const typeDefs = /* GraphQL */ `
  scalar Shouty
  type Query {
    fine: String
    item(id: ID!): Item
    items(ids: [ID!]!): [Item]!
    strictItems: [Item!]
    twoNamelessItems: [Item!]
    contract: String
    boom: String
    thrownString: String
    nonNullNull: String!
    notAnInt: Int
    strictNotAnInt: Int!
    shouty: Shouty
    notAList: [String]
    echo(n: Int!): Int
    echoDefault(n: Int = 7): Int
    deep: Deep!
  }
  type Item {
    id: ID!
    name: String!
    note: String
  }
  type Deep {
    inner: Inner!
    other: String
  }
  type Inner {
    value: Int!
  }
`;

type Item = { id: string; name: string | null; note?: string | null };
const item = (id: string): Item | Error => (id === 'missing' ? new GraphQLError('no such item', { extensions: { code: 'NOT_FOUND' } }) : { id, name: id === 'nameless' ? null : `Item ${id}`, note: null });

function createServer(executor: 'jit' | 'standard', seen: ExecutedAs[] = []) {
  return createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Shouty: new GraphQLScalarType({
          name: 'Shouty',
          serialize: (value) => {
            if (typeof value !== 'string') throw new GraphQLError('Shouty must be a string', { extensions: { code: 'BAD_SHOUT' } });
            return value.toUpperCase();
          },
        }),
        Query: {
          fine: () => 'ok',
          item: async (_parent: unknown, { id }: { id: string }) => {
            const found = item(id);
            if (found instanceof Error) throw found;
            return found;
          },
          items: async (_parent: unknown, { ids }: { ids: string[] }) => ids.map(item),
          strictItems: async () => [item('a'), item('nameless'), item('b')],
          twoNamelessItems: async () => [item('nameless'), item('nameless')],
          contract: async () => {
            throw new GraphQLError('recommendations is temporarily unavailable', {
              extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 7 },
            });
          },
          boom: () => {
            throw new Error('boom: secret detail');
          },
          thrownString: () => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless resolver does
            throw 'a string';
          },
          nonNullNull: () => null,
          notAnInt: () => 'lots',
          strictNotAnInt: () => 1.5,
          shouty: () => 42,
          notAList: () => 'not a list',
          echo: (_parent: unknown, { n }: { n: number }) => n,
          echoDefault: (_parent: unknown, { n }: { n: number | null }) => n,
          deep: () => ({ inner: { value: null }, other: 'x' }),
        },
      },
    }),
    logging: false,
    maskedErrors: { isDev: false, maskError: (error, message) => maskError(error, message) },
    plugins: [
      useStandaloneRequestScope(),
      useRequestIdHeader(),
      useCompiledExecution({ executor, maxCompiledOperations: 50, compileAfterRuns: 0, onExecuted: (how) => seen.push(how) }),
      useErrorRequestIds(),
    ],
  });
}

const QUERIES: readonly [name: string, query: string, variables?: Record<string, unknown>][] = [
  ['plain data', '{ fine item(id: "a") { id name note } }'],
  ['aliases, fragments and merged fields', '{ a: item(id: "a") { ...F id } b: item(id: "b") { name ... on Item { id } } } fragment F on Item { name note }'],
  ['a contract error keeps every extension', '{ fine contract }'],
  ['an error thrown by a resolver for a nullable field', '{ item(id: "missing") { id } fine }'],
  ['Error entries of a list', '{ items(ids: ["a", "missing", "b", "missing"]) { id } }'],
  ['a non-null field inside a list item nulls the item', '{ items(ids: ["a", "nameless"]) { id name } }'],
  ['a non-null list item nulls the whole list', '{ strictItems { id name } fine }'],
  ['an unexpected error is masked with the request id', '{ boom fine }'],
  ['a thrown string is masked', '{ thrownString }'],
  ['a non-null field resolving to null nulls its nullable parent', '{ fine nonNullNull }'],
  ['null propagation up to data', '{ deep { other inner { value } } }'],
  ['an Int the schema cannot represent (nullable)', '{ notAnInt fine }'],
  ['an Int the schema cannot represent (non-null)', '{ strictNotAnInt }'],
  ['a custom scalar that cannot serialize', '{ shouty }'],
  ['a list field that is not a list', '{ notAList }'],
  ['one field selected twice with an error: two locations', '{ contract fine contract }'],
  ['variables and defaults', 'query ($n: Int!, $d: Int) { echo(n: $n) echoDefault(n: $d) plain: echoDefault }', { n: 3 }],
  ['an explicit null for an argument with a default', 'query ($d: Int) { echoDefault(n: $d) }', { d: null }],
  ['an explicit null for a non-null argument', 'query ($n: Int = 1) { echo(n: $n) fine }', { n: null }],
  [
    'one fragment spread under both @skip and @include (graphql-jit#166)',
    'query ($only: Boolean!) { a: item(id: "a") @skip(if: $only) { ...N } b: item(id: "b") @include(if: $only) { ...N } } fragment N on Item { id name }',
    { only: true },
  ],
  ['__typename', '{ __typename item(id: "a") { __typename id } }'],
  ['introspection', '{ __type(name: "Item") { name fields { name type { kind ofType { name } } } } }'],
  ['a bad variable', 'query ($n: Int!) { echo(n: $n) }', { n: 'three' }],
  ['a missing variable', 'query ($n: Int!) { echo(n: $n) }', {}],
  ['a null for a non-null variable', 'query ($n: Int!) { echo(n: $n) }', { n: null }],
];

describe('compiled execution answers exactly as the standard executor', () => {
  const seen: ExecutedAs[] = [];
  const servers = { jit: createServer('jit', seen), standard: createServer('standard') };
  const post = async (executor: 'jit' | 'standard', query: string, variables?: Record<string, unknown>) => {
    const response = await servers[executor].fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-request-id': 'parity-1' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };

  it.each(QUERIES)('%s', async (_name, query, variables) => {
    const standard = await post('standard', query, variables);
    const jit = await post('jit', query, variables);
    expect(jit).toEqual(standard);
  });

  it('ran the valid queries compiled, and left the refused variables to the standard executor', () => {
    expect(seen.filter((how) => how === 'invalid_variables')).toHaveLength(3);
    expect(seen.filter((how) => how === 'compiled')).toHaveLength(QUERIES.length - 3);
  });

  it('what the answers are (so that parity is not two identical mistakes)', async () => {
    const contract = JSON.parse((await post('jit', '{ fine contract }')).body);
    expect(contract).toEqual({
      errors: [
        {
          message: 'recommendations is temporarily unavailable',
          locations: [{ line: 1, column: 8 }],
          path: ['contract'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 7 },
        },
      ],
      data: { fine: 'ok', contract: null },
    });
    const masked = JSON.parse((await post('jit', '{ fine nonNullNull }')).body);
    expect(masked).toEqual({
      errors: [{ message: 'Unexpected error.', locations: [{ line: 1, column: 8 }], path: ['nonNullNull'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'parity-1' } }],
      data: null,
    });
    const deep = JSON.parse((await post('jit', '{ deep { other inner { value } } }')).body);
    expect(deep.data).toBeNull();
    expect(deep.errors[0].path).toEqual(['deep', 'inner', 'value']);
    const twice = JSON.parse((await post('jit', '{ contract fine contract }')).body);
    expect(twice.errors[0].locations).toEqual([{ line: 1, column: 3 }, { line: 1, column: 17 }]);
    const skipInclude = JSON.parse(
      (await post('jit', QUERIES.find(([name]) => name.includes('graphql-jit#166'))![1], { only: true })).body,
    );
    expect(skipInclude).toEqual({ data: { b: { id: 'b', name: 'Item b' } } });
    const bad = await post('jit', 'query ($n: Int!) { echo(n: $n) }', { n: 'three' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      errors: [{ message: 'Variable "$n" got invalid value "three"; Int cannot represent non-integer value: "three"', locations: [{ line: 1, column: 8 }] }],
    });
  });
});

describe('compiled execution: the one known difference, pinned', () => {
  const servers = { jit: createServer('jit'), standard: createServer('standard') };
  const errorsOf = async (executor: 'jit' | 'standard', query: string) => {
    const response = await servers[executor].fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data: unknown; errors: { path: unknown[] }[] };
  };

  it('two non-null failures under one nullable parent: the same data; the standard executor reports the first, graphql-jit both', async () => {
    const query = '{ twoNamelessItems { id name } }';
    const standard = await errorsOf('standard', query);
    const jit = await errorsOf('jit', query);
    expect(jit.data).toEqual({ twoNamelessItems: null });
    expect(standard.data).toEqual(jit.data);
    expect(standard.errors.map((e) => e.path)).toEqual([['twoNamelessItems', 0, 'name']]);
    expect(jit.errors.map((e) => e.path)).toEqual([
      ['twoNamelessItems', 0, 'name'],
      ['twoNamelessItems', 1, 'name'],
    ]);
  });
});
