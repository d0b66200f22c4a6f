import { Lexer, Source, TokenKind } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendWithHealthProbe } from '../helpers/send-with-health-probe.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * Fragments spread many times at every level: `{ ...A ×n } fragment A on Query
 * { ...B ×n } … fragment D on Query { leaf }` is n⁴ leaves once expanded. Walked spread
 * by spread, the cost estimate froze the event loop (1.4 s at n = 50, minutes at the
 * token limit); each fragment is now costed once, so the answer takes milliseconds,
 * anonymously, over GET and POST, and the instance keeps answering meanwhile.
 */
describe('fragment bomb: repeated spreads are costed once per fragment', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    // Warm up: the first request compiles yoga's and graphql-js' code paths.
    await t.gql('{ __typename }');
  });
  afterAll(() => t.close());
  beforeEach(() => t.resetBackendStats());

  /** Four levels of `spreads` spreads each, the last fragment selecting `leaf`. */
  const bomb = (spreads: number, leaf: string) => {
    const names = ['A', 'B', 'C', 'D'];
    const spreadsOf = (name: string) => Array.from({ length: spreads }, () => `...${name}`).join(' ');
    const fragments = names.map((name, i) => `fragment ${name} on Query { ${i + 1 < names.length ? spreadsOf(names[i + 1]!) : leaf} }`);
    return `{ ${spreadsOf('A')} } ${fragments.join(' ')}`;
  };
  const tokens = (document: string) => {
    const lexer = new Lexer(new Source(document));
    let count = 0;
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
    return count;
  };

  const backendCalls = () =>
    (['users', 'catalog', 'orders', 'recommendations'] as const).reduce((sum, name) => sum + t.backends[name].stats().requests, 0);

  it('at the token limit, selecting only __typename, costs 0 and answers in milliseconds (GET and POST)', async () => {
    const query = bomb(246, '__typename');
    expect(tokens(query)).toBe(1995);
    for (const method of ['GET', 'POST'] as const) {
      const { answer, probe } = await sendWithHealthProbe(t.url, method, query);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { __typename: 'Query' } });
      expect(answer.ms).toBeLessThan(500);
      expect(probe.status).toBe(200);
      expect(probe.ms).toBeLessThan(500);
    }
    expect(backendCalls()).toBe(0);
  });

  it('at the token limit, selecting a product, is 400 QUERY_TOO_COMPLEX with its exact cost, in milliseconds (GET and POST)', async () => {
    const query = bomb(245, 'product(id: "p1") { id }');
    expect(tokens(query)).toBe(1995);
    // 245⁴ spreads of `product { id }` (cost 2 each).
    const cost = 2 * 245 ** 4;
    for (const method of ['GET', 'POST'] as const) {
      const { answer, probe } = await sendWithHealthProbe(t.url, method, query);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        errors: [
          {
            message: `Query is too complex: cost ${cost} exceeds the limit of 5000`,
            extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind: 'cost', limit: 5000, actual: cost },
          },
        ],
      });
      expect(answer.ms).toBeLessThan(500);
      expect(probe.status).toBe(200);
      expect(probe.ms).toBeLessThan(500);
    }
    expect(backendCalls()).toBe(0);
  });

  it('the 1.1 KB document of the report (50 spreads per level) answers in milliseconds', async () => {
    const query = bomb(50, '__typename');
    expect(query.length).toBeLessThan(1200);
    const { answer, probe } = await sendWithHealthProbe(t.url, 'POST', query);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
    expect(answer.ms).toBeLessThan(500);
    expect(probe.status).toBe(200);
  });
});
