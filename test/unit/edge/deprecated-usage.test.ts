import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDeprecatedUsage } from '../../../src/edge/deprecated-usage.js';

const SDL = `
  directive @sunset(date: String!) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
  enum Size { SMALL LARGE @deprecated(reason: "gone") @sunset(date: "2027-01-31") }
  type Query {
    item(id: ID, legacyId: Int @deprecated(reason: "use id") @sunset(date: "2027-03-01")): Item
    old: Item @deprecated(reason: "use item")
    search(filter: Filter, filters: [Filter!]): [Item]
  }
  input Filter {
    size: Size
    legacySize: String @deprecated(reason: "use size") @sunset(date: "2026-12-01")
  }
  type Item {
    id: ID!
    url(size: Size): String
    legacyUrl: String @deprecated(reason: "use url") @sunset(date: "2028-12-31")
  }
`;

describe('createDeprecatedUsage', () => {
  const usageOf = createDeprecatedUsage(buildSchema(SDL));

  it('finds deprecated fields, arguments and enum literals, each once, with the earliest sunset', () => {
    const usage = usageOf(parse('{ item(legacyId: 7) { legacyUrl a: legacyUrl url(size: LARGE) } old { id } }'));
    expect(usage.coordinates).toEqual(['Query.item(legacyId:)', 'Item.legacyUrl', 'Size.LARGE', 'Query.old']);
    expect(new Date(usage.sunsetAt!).toISOString()).toBe('2027-01-31T00:00:00.000Z');
  });

  it('a deprecated part without @sunset gives no date; nothing deprecated gives nothing', () => {
    expect(usageOf(parse('{ old { id } }'))).toEqual({ coordinates: ['Query.old'], sunsetAt: null });
    expect(usageOf(parse('{ item(id: "1") { id url(size: SMALL) } }'))).toEqual({ coordinates: [], sunsetAt: null });
  });

  it('finds deprecated input fields written as literals, in lists too, with their sunset; not when passed in variables', () => {
    const literal = usageOf(parse('{ search(filter: { legacySize: "L" }) { id } }'));
    expect(literal.coordinates).toEqual(['Filter.legacySize']);
    expect(new Date(literal.sunsetAt!).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(usageOf(parse('{ search(filters: [{ size: SMALL }, { legacySize: "L", size: LARGE }]) { id } }')).coordinates).toEqual([
      'Filter.legacySize',
      'Size.LARGE',
    ]);
    expect(usageOf(parse('{ search(filter: { size: SMALL }) { id } }')).coordinates).toEqual([]);
    expect(usageOf(parse('query ($f: Filter) { search(filter: $f) { id } }')).coordinates).toEqual([]);
  });

  it('looks only at the operation that runs and the fragments it reaches', () => {
    const document = parse(`
      query A { item { ...Old } }
      query B { item { id } }
      fragment Old on Item { ...Deeper }
      fragment Deeper on Item { legacyUrl }
      fragment Unused on Query { old { id } }
    `);
    expect(usageOf(document, 'A').coordinates).toEqual(['Item.legacyUrl']);
    expect(usageOf(document, 'B').coordinates).toEqual([]);
  });

  it('works a document out once: the same document object gives the same answer object', () => {
    const document = parse('{ item { legacyUrl } }');
    expect(usageOf(document)).toBe(usageOf(document));
    // An equal text parsed again is another document: worked out again, to an equal answer.
    const again = parse('{ item { legacyUrl } }');
    expect(usageOf(again)).not.toBe(usageOf(document));
    expect(usageOf(again)).toEqual(usageOf(document));
  });

  it('refuses at start-up a @sunset that is not a calendar date, or that stands without @deprecated', () => {
    const withField = (field: string) => buildSchema(`directive @sunset(date: String!) on FIELD_DEFINITION\ntype Query { ${field} }`);
    expect(() => createDeprecatedUsage(withField('a: Int @deprecated @sunset(date: "2027-02-30")'))).toThrow(/Query\.a is not a date/);
    expect(() => createDeprecatedUsage(withField('a: Int @deprecated @sunset(date: "30/06/2027")'))).toThrow(/Query\.a is not a date/);
    expect(() => createDeprecatedUsage(withField('a: Int @sunset(date: "2027-06-30")'))).toThrow(/Query\.a has @sunset without @deprecated/);
  });
});

describe('createDeprecatedUsage on a fragment bomb', () => {
  it('visits each fragment once: 2^40 spreads cost 40 visits', () => {
    const usageOf = createDeprecatedUsage(buildSchema(SDL));
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Item { ...F${i + 1} ...F${i + 1} }`);
    const document = parse(`{ item { ...F0 } } ${fragments.join(' ')} fragment F40 on Item { legacyUrl }`);
    const started = performance.now();
    expect(usageOf(document).coordinates).toEqual(['Item.legacyUrl']);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
