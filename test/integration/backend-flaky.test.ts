import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

describe('backend flaky', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '2' }, { cache: false });
    // 3 of every 10 catalog requests fail with 503, evenly spread.
    t.backends.catalog.setFault({ mode: 'flaky', rate: 0.3 });
  });
  afterAll(() => t.close());

  it('retries hide 30 % failures: every answer is complete, at the cost of extra backend calls', async () => {
    for (let i = 1; i <= 10; i += 1) {
      const { body } = await t.gql(`{ product(id: "p${i}") { id } }`);
      expect(body).toEqual({ data: { product: { id: `p${i}` } } });
    }
    const requests = t.backends.catalog.stats().requests;
    expect(requests).toBeGreaterThan(10);
    expect(requests).toBeLessThanOrEqual(15);
  });
});
