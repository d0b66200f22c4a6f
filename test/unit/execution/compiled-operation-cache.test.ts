import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCompiledOperationCache } from '../../../src/execution/compiled-operation-cache.js';

const schema = buildSchema('type Query { a: Int b: Int c(x: Int!): Int } type Subscription { ticks: Int } directive @defer(if: Boolean, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT');

describe('the compiled operation cache', () => {
  it('compiles a document once, however often the same text is parsed again', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 0 });
    const first = cache.get(schema, parse('{ a }'), undefined);
    expect(first.kind).toBe('compiled');
    // A new parse of the same text (as after yoga's parse cache let it go) finds the same compiled operation.
    expect(cache.get(schema, parse('{ a }'), null)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('keys by the operation selected, not by the name the client sends: names that select nothing add nothing', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 0 });
    const document = parse('query A { a } query B { b }');
    const a = cache.get(schema, document, 'A');
    const b = cache.get(schema, document, 'B');
    expect(a.kind).toBe('compiled');
    expect(b).not.toBe(a);
    expect(cache.get(schema, document, 'A')).toBe(a);
    for (let i = 0; i < 100; i += 1) expect(cache.get(schema, document, `Nope${i}`)).toMatchObject({ kind: 'standard', reason: 'not_compilable' });
    // Ambiguous: two operations and no name.
    expect(cache.get(schema, document, undefined)).toMatchObject({ kind: 'standard', reason: 'not_compilable' });
    expect(cache.size).toBe(2);
  });

  it('holds at most maxOperations, dropping the least recently used document', () => {
    const cache = createCompiledOperationCache({ maxOperations: 3, compileAfterRuns: 0 });
    const documents = Array.from({ length: 20 }, (_, i) => `{ a${' '.repeat(i)} }`);
    for (const text of documents) cache.get(schema, parse(text), undefined);
    expect(cache.size).toBe(3);
    // A document of two compiled operations counts as two.
    const two = parse('query A { a } query B { b }');
    cache.get(schema, two, 'A');
    cache.get(schema, two, 'B');
    expect(cache.size).toBe(3);
    const kept = cache.get(schema, two, 'A');
    expect(cache.get(schema, parse('query A { a } query B { b }'), 'A')).toBe(kept);
  });

  it('sends subscriptions and @defer to the standard executor, and remembers a document that does not compile', () => {
    const notCompiled: (string | undefined)[] = [];
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 0, onNotCompilable: (name) => notCompiled.push(name) });
    expect(cache.get(schema, parse('subscription { ticks }'), undefined)).toMatchObject({ kind: 'standard', reason: 'subscription' });
    expect(cache.get(schema, parse('{ a ... @defer { b } }'), undefined)).toMatchObject({ kind: 'standard', reason: 'incremental' });
    // Not valid (validation would refuse it first): graphql-jit refuses to compile it.
    const broken = 'query Broken { c }';
    expect(cache.get(schema, parse(broken), undefined)).toMatchObject({ kind: 'standard', reason: 'not_compilable' });
    expect(cache.get(schema, parse(broken), undefined)).toMatchObject({ kind: 'standard', reason: 'not_compilable' });
    expect(notCompiled).toEqual(['Broken']);
  });

  it('compiles again for another schema', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 0 });
    const before = cache.get(schema, parse('{ a }'), undefined);
    const other = buildSchema('type Query { a: Int }');
    const after = cache.get(other, parse('{ a }'), undefined);
    expect(after).not.toBe(before);
    expect(after.schema).toBe(other);
  });

  it('leaves a document without source locations to the standard executor (its errors could not be placed)', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 0 });
    expect(cache.get(schema, parse('{ a }', { noLocation: true }), undefined)).toMatchObject({ kind: 'standard', reason: 'not_compilable' });
  });
});

describe('the compiled operation cache: compileAfterRuns', () => {
  it('runs an operation on the standard executor that many times first, then compiles it once', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 2 });
    expect(cache.get(schema, parse('{ a }'), undefined)).toMatchObject({ kind: 'standard', reason: 'not_yet_compiled' });
    // Another parse of the same text counts as the same operation.
    expect(cache.get(schema, parse('{ a }'), undefined)).toMatchObject({ kind: 'standard', reason: 'not_yet_compiled' });
    const compiled = cache.get(schema, parse('{ a }'), undefined);
    expect(compiled.kind).toBe('compiled');
    expect(cache.get(schema, parse('{ a }'), undefined)).toBe(compiled);
    expect(cache.size).toBe(1);
  });

  it('never compiles documents sent once (whitespace variants), and keeps nothing of them but a bounded count', () => {
    const cache = createCompiledOperationCache({ maxOperations: 2, compileAfterRuns: 1 });
    for (let i = 0; i < 200; i += 1) {
      expect(cache.get(schema, parse(`{ a${' '.repeat(i)} }`), undefined)).toMatchObject({ kind: 'standard', reason: 'not_yet_compiled' });
    }
    expect(cache.size).toBe(0);
  });

  it('knows at once what can never be compiled: it is not counted', () => {
    const cache = createCompiledOperationCache({ maxOperations: 10, compileAfterRuns: 5 });
    expect(cache.get(schema, parse('subscription { ticks }'), undefined)).toMatchObject({ kind: 'standard', reason: 'subscription' });
    expect(cache.get(schema, parse('{ a ... @defer { b } }'), undefined)).toMatchObject({ kind: 'standard', reason: 'incremental' });
  });
});
