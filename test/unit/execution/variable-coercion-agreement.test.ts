import { buildSchema, getOperationAST, getVariableValues, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';

/**
 * useCompiledExecution lets graphql-jit decide whether variables coerce: a refusal goes
 * to the standard executor, which answers its own 400. That is only the same gateway if
 * graphql-jit refuses exactly what graphql-js refuses; here is each kind of input the
 * schema uses (ID, Int, String, Boolean, Float, enums, lists, input objects, non-null,
 * defaults), with values either side of the line.
 */
const schema = buildSchema(`
  enum Status { PAID SHIPPED }
  input Patch { id: ID!, expectedVersion: Int!, status: Status, note: String, tags: [Int!], nested: Nested }
  input Nested { x: String! }
  type Query { f(i: Int, id: ID, s: String, b: Boolean, fl: Float, e: Status, p: Patch, l: [Int], ids: [ID!]): String  g(n: Int!): String }
`);
for (const name of ['f', 'g'] as const) schema.getQueryType()!.getFields()[name]!.resolve = (_source, args) => JSON.stringify(args);

const CASES: readonly [definition: string, use: string, values: readonly unknown[]][] = [
  ['$v: Int', 'f(i: $v)', [1, -2147483648, 2147483648, 1.5, '1', true, null]],
  ['$v: ID', 'f(id: $v)', ['x', 1, 1.5, true, {}, null]],
  ['$v: String', 'f(s: $v)', ['x', 1, true, ['x']]],
  ['$v: Boolean', 'f(b: $v)', [true, 1, 'true']],
  ['$v: Float', 'f(fl: $v)', [1, 1.5, '1.5']],
  ['$v: Status', 'f(e: $v)', ['PAID', 'paid', 'NOPE', 1, null]],
  [
    '$v: Patch',
    'f(p: $v)',
    [
      { id: 'o1', expectedVersion: 1 },
      { id: 1, expectedVersion: 1, status: 'SHIPPED', note: null },
      { id: 'o1' },
      { id: 'o1', expectedVersion: '1' },
      { id: 'o1', expectedVersion: 1, extra: true },
      { id: 'o1', expectedVersion: 1, status: 'NOPE' },
      { id: 'o1', expectedVersion: 1, tags: 3 },
      { id: 'o1', expectedVersion: 1, tags: [1, null] },
      { id: 'o1', expectedVersion: 1, nested: {} },
      'o1',
    ],
  ],
  ['$v: [Int]', 'f(l: $v)', [[1, 2], 1, [null], [1, 'x'], null]],
  ['$v: [ID!]!', 'f(ids: $v)', [['a', 1], 'a', [], [null], null, undefined]],
  ['$v: Int!', 'g(n: $v)', [1, null, undefined]],
  ['$v: Int = 3', 'g(n: $v)', [undefined, 4]],
];

describe('graphql-jit and graphql-js accept and refuse the same variables', () => {
  for (const [definition, use, values] of CASES) {
    it.each(values.map((value) => [JSON.stringify(value) ?? 'absent', value] as const))(`${definition}: %s`, async (_shown, value) => {
      const document = parse(`query Q(${definition}) { ${use} }`);
      const compiled = compileQuery(schema, document, 'Q');
      if (!isCompiledQuery(compiled)) throw new Error(`did not compile: ${JSON.stringify(compiled.errors)}`);
      const variables = value === undefined ? {} : { v: value };
      const standard = getVariableValues(schema, getOperationAST(document, 'Q')!.variableDefinitions ?? [], variables);
      const jit = await compiled.query(undefined, {}, variables);
      // graphql-jit's refusal is a result without `data`; anything else ran.
      expect('data' in jit).toBe(standard.errors === undefined);
    });
  }
});
