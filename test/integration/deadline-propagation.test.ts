import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = '{ product(id: "p1") { id } viewer { id } }';
const REQUEST_DEADLINE_MS = 3000;
const LENIENT_BREAKER = { kind: 'consecutive', threshold: 1000 };

/** The `X-Request-Timeout-Ms` each recorded call to a backend carried, in order, as numbers. */
function propagated(t: TestGateway, backend: 'users' | 'catalog'): number[] {
  return t.backends[backend].requests.map((recorded) => {
    const value = recorded.headers['x-request-timeout-ms'];
    expect(value).toMatch(/^[1-9]\d*$/);
    return Number(value);
  });
}

/** POSTs QUERY as u1 with raw node:http, so a header can be sent several times. */
function postWithHeaders(t: TestGateway, bearer: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: GraphQLResponseBody }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ query: QUERY });
    const req = request(
      `${t.url}/graphql`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: bearer, ...headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as GraphQLResponseBody }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('deadline propagation: X-Request-Timeout-Ms from the client to every backend attempt', () => {
  let t: TestGateway;
  let bearer: string;
  beforeAll(async () => {
    t = await startTestGateway(
      // An attempt timeout above the request deadline, so the propagated value is the time left.
      { REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS), UPSTREAM_TIMEOUT_MS: '4000' },
      {
        cache: false,
        gatewayConfig: {
          services: {
            // Retries exactly 250 ms apart.
            users: { maxRetries: 2, backoff: { initialDelayMs: 250, maxDelayMs: 250 }, retry: { jitter: 'none' }, breaker: LENIENT_BREAKER },
            recommendations: { timeoutMs: 200 },
          },
        },
      },
    );
    bearer = `Bearer ${await t.token('u1')}`;
  });
  afterEach(() => {
    t.backends.users.clearFault();
    t.resetBackendStats();
  });
  afterAll(() => t.close());

  it('without the header, every backend call carries the time left of REQUEST_DEADLINE_MS', async () => {
    const { body } = await t.gql(QUERY, { as: 'u1' });
    expect(body).toEqual({ data: { product: { id: 'p1' }, viewer: { id: 'u1' } } });
    for (const backend of ['users', 'catalog'] as const) {
      const [value, ...others] = propagated(t, backend);
      expect(others).toEqual([]);
      expect(value).toBeLessThanOrEqual(REQUEST_DEADLINE_MS);
      expect(value).toBeGreaterThan(REQUEST_DEADLINE_MS - 500);
    }
  });

  it("a backend's own attempt timeout caps the value: the gateway stops waiting then", async () => {
    const { body } = await t.gql('{ recommendations(first: 1) { id } }', { as: 'u1' });
    expect(body.errors).toBeUndefined();
    const [value] = t.backends.recommendations.requests.map((recorded) => Number(recorded.headers['x-request-timeout-ms']));
    expect(value).toBe(200);
  });

  it("a client's shorter budget becomes the request deadline, and the backends are told what is left of it", async () => {
    t.backends.users.setFault({ mode: 'hang' });
    const started = performance.now();
    const { status, body } = await postWithHeaders(t, bearer, { 'x-request-timeout-ms': '400' });
    const elapsed = performance.now() - started;

    expect(status).toBe(200);
    expect(body.data).toEqual({ product: { id: 'p1' }, viewer: null });
    expect(body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['viewer'], 'UPSTREAM_TIMEOUT']]);
    // The hung call ended at the client's 400 ms, not at REQUEST_DEADLINE_MS (3 s) or the 4 s attempt timeout.
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1500);
    for (const backend of ['users', 'catalog'] as const) {
      const [value] = propagated(t, backend);
      expect(value).toBeLessThanOrEqual(400);
      expect(value).toBeGreaterThan(100);
    }
  });

  it('each attempt carries the budget left when it is sent, and no retry starts after the deadline', async () => {
    t.backends.users.setFault({ mode: '503' });
    const started = performance.now();
    const { body } = await postWithHeaders(t, bearer, { 'x-request-timeout-ms': '400' });
    const elapsed = performance.now() - started;

    expect(body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['viewer'], 'SERVICE_UNAVAILABLE']]);
    // Attempts at ~0 ms and ~250 ms; the next one would be due at ~500 ms, past the 400 ms deadline.
    const [first, second, ...more] = propagated(t, 'users') as [number, number];
    expect(more).toEqual([]);
    expect(first).toBeLessThanOrEqual(400);
    expect(second).toBeLessThanOrEqual(400 - 250);
    expect(first - second).toBeGreaterThanOrEqual(245);
    expect(elapsed).toBeLessThan(1500);
  });

  it.each([
    ['not a number', 'abc'],
    ['negative', '-5'],
    ['zero', '0'],
    ['a fraction', '1.5'],
    ['an exponent', '1e2'],
    ['huge', '99999999999999999999999999'],
    ['several values in one header', '100, 200'],
    ['several headers', ['100', '200']],
  ])('ignores an invalid value (%s): the request runs with REQUEST_DEADLINE_MS', async (_name, value) => {
    const { status, body } = await postWithHeaders(t, bearer, { 'x-request-timeout-ms': value });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { product: { id: 'p1' }, viewer: { id: 'u1' } } });
    for (const backend of ['users', 'catalog'] as const) {
      const [propagatedValue] = propagated(t, backend);
      expect(propagatedValue).toBeGreaterThan(REQUEST_DEADLINE_MS - 500);
      expect(propagatedValue).toBeLessThanOrEqual(REQUEST_DEADLINE_MS);
    }
  });

  it('a budget larger than REQUEST_DEADLINE_MS does not lengthen the deadline', async () => {
    await postWithHeaders(t, bearer, { 'x-request-timeout-ms': '60000' });
    const [value] = propagated(t, 'catalog');
    expect(value).toBeLessThanOrEqual(REQUEST_DEADLINE_MS);
  });
});
