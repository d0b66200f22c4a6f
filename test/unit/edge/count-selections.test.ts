import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countSelections } from '../../../src/edge/count-selections.js';

const repeat = (count: number, text: string) => Array.from({ length: count }, () => text).join(' ');
const count = (query: string, maxSelections = 10_000) => countSelections(parse(query, { maxTokens: 1_000_000 }), maxSelections);

describe('countSelections', () => {
  it('counts a plain query: every selection once, no overlaps', () => {
    expect(count('{ viewer { id orders { nodes { id } } } }')).toEqual({ selections: 5, overlaps: 0 });
  });

  it('a field selected n times at one place is n(n−1)/2 overlaps, its subselections merged and compared too', () => {
    // 390 viewers (C(390, 2) pairs) whose 390 ids merge into one field (C(390, 2) more).
    expect(count(`{ ${repeat(390, 'viewer { id }')} }`)).toEqual({ selections: 780, overlaps: 2 * ((390 * 389) / 2) });
    expect(count(`{ product(id: "p1") { ${repeat(100, 'id')} } }`)).toEqual({ selections: 101, overlaps: (100 * 99) / 2 });
  });

  it('aliases are different response fields: no overlap', () => {
    expect(count(`{ ${Array.from({ length: 10 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`).overlaps).toBe(0);
  });

  it('fields of inline fragments and named fragments merge with the fields beside them', () => {
    const query = '{ viewer { id ... on User { id } ...U } } fragment U on User { id }';
    // In the operation: viewer, id, the inline fragment, its id, the spread, U's id (6); U itself: 1.
    expect(count(query)).toEqual({ selections: 7, overlaps: 3 });
  });

  it('a fragment spread many times in one selection set is expanded once, as execution collects it', () => {
    const query = `{ ${repeat(246, '...A')} } fragment A on Query { ${repeat(246, '...B')} } fragment B on Query { ${repeat(246, '...C')} } fragment C on Query { ${repeat(246, '...D')} } fragment D on Query { __typename }`;
    const started = performance.now();
    const counts = count(query);
    // The exponential walk took minutes; the bound is loose so a loaded CI machine never trips it.
    expect(performance.now() - started).toBeLessThan(2000);
    // Each spread is visited; each fragment expands once per selection set it is spread in.
    expect(counts.overlaps).toBe(0);
    expect(counts.selections).toBeLessThan(5 * 4 * 246);
  });

  it('stops past maxSelections whatever the fragments multiply to (two fields per level, 20 levels: 2²⁰ paths)', () => {
    let query = '{ ...F0 }';
    for (let i = 0; i < 20; i += 1) query += ` fragment F${i} on Query { a: viewer { ...F${i + 1} } b: viewer { ...F${i + 1} } }`;
    query += ' fragment F20 on Query { __typename }';
    const started = performance.now();
    expect(count(query, 5000).selections).toBe(5001);
    // The exponential walk took minutes; the bound is loose so a loaded CI machine never trips it.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a fragment recursing through a field (a validation error) stops at maxSelections, with no stack overflow', () => {
    const query = '{ viewer { ...U } } fragment U on User { orders { nodes { user { ...U } } } }';
    expect(count(query, 100_000).selections).toBe(100_001);
  });

  it('a cycle of spreads at one level ends at the first repeat', () => {
    // The operation 5 (viewer ...A id ...B ...A), fragment A 5 (id ...B ...A id ...B), B 4 (...A id ...B ...A).
    expect(count('{ viewer { ...A } } fragment A on User { id ...B } fragment B on User { ...A }')).toEqual({ selections: 14, overlaps: 1 });
  });

  it('counts unused fragments too: validation walks them', () => {
    expect(count(`{ viewer { id } } fragment Unused on Product { ${repeat(50, 'id')} }`).overlaps).toBe((50 * 49) / 2);
  });
});
