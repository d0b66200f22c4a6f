import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { closedPort } from '../helpers/closed-port.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';


const HOME = '{ viewer { id orders(first: 1) { nodes { id } } } recommendations(first: 2) { id } }';

describe.each(EXECUTORS)('backend down (connection refused) (%s executor)', (executor) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor, RECOMMENDATIONS_URL: `http://127.0.0.1:${await closedPort()}` }, { cache: false });
  });
  afterAll(() => t.close());

  it('answers every other field; recommendations is null with SERVICE_UNAVAILABLE and a Retry-After header', async () => {
    const { status, headers, body } = await t.gql(HOME, { as: 'u1' });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { viewer: { id: 'u1', orders: { nodes: [{ id: 'o00001' }] } }, recommendations: null },
      errors: [
        {
          message: 'recommendations is temporarily unavailable',
          locations: locationOf(HOME, 'recommendations'),
          path: ['recommendations'],
          extensions: { code: 'SERVICE_UNAVAILABLE', service: 'recommendations', retryable: true, retryAfter: 1 },
        },
      ],
      extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 1, stale: false }] },
    });
    expect(headers.get('retry-after')).toBe('1');
  });

  it('keeps answering while the backend stays down', async () => {
    for (let i = 0; i < 3; i += 1) {
      const { body } = await t.gql(HOME, { as: 'u1' });
      expect(body.data?.viewer).toEqual({ id: 'u1', orders: { nodes: [{ id: 'o00001' }] } });
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
  });
});
