import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWithHealthProbe } from '../helpers/send-with-health-probe.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * The same field selected many times at one place: validation (field merging,
 * OverlappingFieldsCanBeMerged, which runs twice: graphql-js' and the defer-stream
 * plugin's copy) compares every pair, quadratic in a document of few tokens:
 * `{ viewer { id } ×390 }` (5 KB, under the token limit) held the event loop for
 * 0.4–1 s. The pairs are now counted linearly before validation and refused.
 */
describe('repeated fields: the pairs validation would compare are counted and refused first', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    // Warm up: the first request compiles yoga's and graphql-js' code paths.
    await t.gql('{ __typename }');
  });
  afterAll(() => t.close());

  const repeat = (count: number, text: string) => Array.from({ length: count }, () => text).join(' ');
  const tooComplex = (kind: string, limit: number, actual: number) => ({
    errors: [
      {
        message: `Query is too complex: ${kind} ${actual} exceeds the limit of ${limit}`,
        extensions: { code: 'QUERY_TOO_COMPLEX', retryable: false, kind, limit, actual },
      },
    ],
  });

  it('`{ viewer { id } ×390 }` is 400 QUERY_TOO_COMPLEX overlaps (151 710 > 2000) in milliseconds, GET and POST', async () => {
    const query = `{ ${repeat(390, 'viewer { id }')} }`;
    for (const method of ['GET', 'POST'] as const) {
      const { answer, probe } = await sendWithHealthProbe(t.url, method, query);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(tooComplex('overlaps', 2000, 2 * ((390 * 389) / 2)));
      expect(answer.ms).toBeLessThan(500);
      expect(probe.status).toBe(200);
      expect(probe.ms).toBeLessThan(500);
    }
  });

  it('`{ __typename ×1990 }` is refused the same way', async () => {
    const { answer } = await sendWithHealthProbe(t.url, 'POST', `{ ${repeat(1990, '__typename')} }`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(tooComplex('overlaps', 2000, (1990 * 1989) / 2));
    expect(answer.ms).toBeLessThan(500);
  });

  it('a field repeated a few times, as fragments of a screen do, still answers', async () => {
    const query = `{ product(id: "p1") { id ...A ...B } } fragment A on Product { id name } fragment B on Product { id name }`;
    const { answer } = await sendWithHealthProbe(t.url, 'POST', query);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { product: { id: 'p1', name: expect.any(String) } } });
  });
});
