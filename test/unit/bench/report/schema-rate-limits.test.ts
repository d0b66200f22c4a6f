import { describe, expect, it } from 'vitest';
import { describeRateLimits, schemaRateLimits } from '../../../../bench/report/schema-rate-limits.js';

describe('schemaRateLimits', () => {
  it("reads every @rateLimit field with its arguments (the schema's own limits)", () => {
    const sdl = `type Query {
      a: Int @rateLimit(max: 5, window: "10s")
      b: Int
    }
    extend type Query { c: Int @rateLimit(max: 7) }`;
    expect(schemaRateLimits([sdl])).toEqual([
      { field: 'Query.a', max: 5, window: '10s' },
      { field: 'Query.c', max: 7, window: '60s' },
    ]);
    expect(describeRateLimits(schemaRateLimits([sdl]))).toBe('Query.a 5/10s, Query.c 7/60s');
    expect(describeRateLimits([])).toBe('none');
  });

  it('finds the limits of schema/*.graphql', () => {
    expect(schemaRateLimits().map((l) => l.field)).toEqual(expect.arrayContaining(['Query.recommendations', 'Query.products']));
  });
});
