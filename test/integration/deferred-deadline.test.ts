import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { multipartParts } from '../helpers/multipart-parts.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const DEFERRED = '{ viewer { id } ... @defer { recommendations(first: 2) { id } } }';

describe('@defer parts keep the request deadline', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // Alone, a hung backend would take 3 attempts × 1 s here; the request has 400 ms.
    t = await startTestGateway({ REQUEST_DEADLINE_MS: '400', UPSTREAM_TIMEOUT_MS: '1000', UPSTREAM_MAX_RETRIES: '2' }, { cache: false });
  });
  afterAll(() => t.close());

  it('a deferred field on a hung backend ends at the deadline, not after its attempts and retries', async () => {
    t.backends.recommendations.setFault({ mode: 'hang' });
    const response = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${await t.token('u1')}` },
      body: JSON.stringify({ query: DEFERRED }),
    });
    t.backends.recommendations.clearFault();
    const parts = multipartParts(response.body.toString('utf8'));
    expect(parts[0]).toEqual({ data: { viewer: { id: 'u1' } }, hasNext: true });
    expect(parts[1]).toMatchObject({
      incremental: [{ data: { recommendations: null }, errors: [{ extensions: { code: 'UPSTREAM_TIMEOUT', service: 'recommendations' } }] }],
      hasNext: false,
    });
    expect(response.totalMs).toBeGreaterThanOrEqual(350);
    // Before, the deadline was cleared when the first part was sent: the part came after ≥ 1 s.
    expect(response.totalMs).toBeLessThan(950);
  });
});
