import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { memoizePerOperation } from '../../../src/edge/memoize-per-operation.js';

describe('memoizePerOperation', () => {
  it('computes once per operation of a document, whatever name selects it', () => {
    const calls: (string | null | undefined)[] = [];
    const analyse = memoizePerOperation((_document, operationName) => (calls.push(operationName), calls.length));
    const single = parse('query Home { __typename }');
    expect([analyse(single), analyse(single, 'Home'), analyse(single)]).toEqual([1, 1, 1]);
    const two = parse('query A { __typename } query B { __typename }');
    expect([analyse(two, 'A'), analyse(two, 'B'), analyse(two, 'A')]).toEqual([2, 3, 2]);
  });

  it('does not remember names that select no operation (a client inventing names grows nothing)', () => {
    let calls = 0;
    const analyse = memoizePerOperation(() => ++calls);
    const document = parse('query Home { __typename }');
    analyse(document, 'Nope1');
    analyse(document, 'Nope2');
    analyse(document, 'Nope1');
    expect(calls).toBe(3);
  });
});
