import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

const QUERY = '{ products(ids: ["p1", "p2"]) { id } viewer { id } }';

describe.each(EXECUTORS)('backend garbage body (%s executor)', (executor) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '2' }, { cache: false });
    t.backends.catalog.setFault({ mode: 'garbage' });
  });
  afterAll(() => t.close());

  it('is UPSTREAM_ERROR on each entry of the failed batch, asked once, and leaks nothing of the body', async () => {
    const { body } = await t.gql(QUERY, { as: 'u1' });
    const error = (index: number) => ({
      message: 'catalog sent an invalid answer',
      locations: locationOf(QUERY, 'products'),
      path: ['products', index],
      extensions: { code: 'UPSTREAM_ERROR', service: 'catalog', retryable: true, retryAfter: 1 },
    });
    expect(body).toEqual({
      data: { products: [null, null], viewer: { id: 'u1' } },
      errors: [error(0), error(1)],
      extensions: { degraded: [{ service: 'catalog', code: 'UPSTREAM_ERROR', retryAfter: 1, stale: false }] },
    });
    expect(t.backends.catalog.stats().requests).toBe(1);
  });
});
