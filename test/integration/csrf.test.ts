import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const MUTATION = 'mutation { updateOrder(input: { id: "o00001", expectedVersion: 1, note: "from a form" }) { id note version } }';

/**
 * What a hostile page can send cross-site without a CORS preflight: an HTML form post
 * (urlencoded or multipart) or a text/plain fetch. None of it may run an operation.
 */
describe('CSRF: cross-site form posts are refused', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  const backendCalls = () =>
    (['users', 'catalog', 'orders', 'recommendations'] as const).reduce((sum, name) => sum + t.backends[name].stats().requests, 0);

  const send = (contentType: string, body: string) =>
    rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      // A browser form adds no Authorization; Origin is the attacker's page.
      headers: { 'content-type': contentType, origin: 'https://evil.example', accept: 'text/html,application/json' },
      body,
    });

  const expectRefused = async (answer: Awaited<ReturnType<typeof send>>) => {
    expect(answer.status).toBe(403);
    // yoga's refusal, given a code of the contract by the gateway.
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({
      errors: [{ message: 'Cross-site form requests are refused: send application/json', extensions: { code: 'FORBIDDEN', retryable: false } }],
    });
    expect(backendCalls()).toBe(0);
  };

  it('an application/x-www-form-urlencoded post of a mutation is 403 and calls no backend', async () => {
    t.resetBackendStats();
    await expectRefused(await send('application/x-www-form-urlencoded', `query=${encodeURIComponent(MUTATION)}`));
  });

  it('a multipart/form-data post is 403', async () => {
    t.resetBackendStats();
    const boundary = '----evilform1234';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="query"', '', MUTATION, `--${boundary}--`, ''].join('\r\n');
    await expectRefused(await send(`multipart/form-data; boundary=${boundary}`, body));
  });

  it('a text/plain post (even of valid JSON) is 403', async () => {
    t.resetBackendStats();
    await expectRefused(await send('text/plain', JSON.stringify({ query: MUTATION })));
    await expectRefused(await send('text/plain;charset=UTF-8', JSON.stringify({ query: MUTATION })));
  });

  it('a form post is refused even when it carries a valid bearer token', async () => {
    t.resetBackendStats();
    const answer = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${await t.token('u1')}` },
      body: `query=${encodeURIComponent(MUTATION)}`,
    });
    expect(answer.status).toBe(403);
    expect(backendCalls()).toBe(0);
  });

  it('the same mutation as JSON with a bearer token works, on version 1: no form post applied it', async () => {
    t.resetBackendStats();
    const { status, body } = await t.gql(MUTATION, { as: 'u1' });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { updateOrder: { id: 'o00001', note: 'from a form', version: 2 } } });
    expect(t.backends.orders.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
  });
});
