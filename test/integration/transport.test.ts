import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { locationOf } from '../helpers/field-location.js';
import { multipartParts } from '../helpers/multipart-parts.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const HOME = '{ viewer { id name orders(first: 10) { nodes { id status totalCents items { quantity product { id name priceCents imageUrl } } } } } recommendations(first: 5) { id name } }';
const SMALL = '{ product(id: "p1") { id } }';


describe('transport: compression, HTTP caching, @defer', () => {
  let t: TestGateway;
  let bearer: string;
  beforeAll(async () => {
    // No caching of backend answers: a failing or hung backend shows at once.
    t = await startTestGateway({ UPSTREAM_TIMEOUT_MS: '300', UPSTREAM_MAX_RETRIES: '0' }, { cache: false });
    bearer = `Bearer ${await t.token('u1')}`;
  });
  afterEach(() => {
    for (const name of ['users', 'catalog', 'orders', 'recommendations'] as const) t.backends[name].clearFault();
  });
  afterAll(() => t.close());

  const post = (query: string, headers: Record<string, string> = {}) =>
    rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: bearer, ...headers },
      body: JSON.stringify({ query }),
    });
  const get = (query: string, headers: Record<string, string> = {}) =>
    rawRequest(`${t.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'application/graphql-response+json', authorization: bearer, ...headers },
    });
  const vary = (response: RawResponse) => String(response.headers.vary ?? '').split(/\s*,\s*/);

  describe('compression', () => {
    let plain: RawResponse;
    beforeAll(async () => {
      plain = await post(HOME);
    });

    it('sends the home screen (> 1 KB) uncompressed when nothing is accepted', () => {
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(1024);
      const json = JSON.parse(plain.body.toString('utf8')) as { data: { viewer: { id: string } }; errors?: unknown };
      expect(json.errors).toBeUndefined();
      expect(json.data.viewer.id).toBe('u1');
    });

    it('br: content-encoding br, a smaller body that decompresses to the same JSON', async () => {
      const response = await post(HOME, { 'accept-encoding': 'br' });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe('br');
      expect(Number(response.headers['content-length'])).toBe(response.body.length);
      expect(response.body.length).toBeLessThan(plain.body.length);
      expect(JSON.parse(brotliDecompressSync(response.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
      expect(vary(response)).toContain('accept-encoding');
    });

    it('gzip likewise', async () => {
      const response = await post(HOME, { 'accept-encoding': 'gzip' });
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(response.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
      expect(vary(response)).toContain('accept-encoding');
    });

    it('br;q=0, gzip picks gzip; br first among equals; neither acceptable: identity', async () => {
      expect((await post(HOME, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
      expect((await post(HOME, { 'accept-encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
      const identity = await post(HOME, { 'accept-encoding': 'deflate, br;q=0' });
      expect(identity.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(identity.body.toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    });

    it('leaves a small answer (< 1 KB) uncompressed, still varying on accept-encoding', async () => {
      const response = await post(SMALL, { 'accept-encoding': 'br, gzip' });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(response.body.toString('utf8'))).toEqual({ data: { product: { id: 'p1' } } });
      expect(vary(response)).toContain('accept-encoding');
    });
  });

  describe('HTTP caching', () => {
    it('a GET query has an ETag and private, no-cache; If-None-Match answers 304 without a body', async () => {
      const first = await get(SMALL);
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(vary(first)).toContain('authorization');

      const again = await get(SMALL);
      expect(again.headers.etag).toBe(etag);

      const revalidated = await get(SMALL, { 'if-none-match': etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
      expect(revalidated.headers.etag).toBe(etag);
      expect(revalidated.headers['cache-control']).toBe('private, no-cache');

      // A list of candidates and a weak validator match as well.
      expect((await get(SMALL, { 'if-none-match': `"other", W/${etag!}` })).status).toBe(304);
      // A stale ETag gets the full answer.
      const changed = await get(SMALL, { 'if-none-match': '"stale"' });
      expect(changed.status).toBe(200);
      expect(JSON.parse(changed.body.toString('utf8'))).toEqual({ data: { product: { id: 'p1' } } });
    });

    it('a different query has a different ETag', async () => {
      const one = await get('{ product(id: "p1") { id } }');
      const two = await get('{ product(id: "p2") { id } }');
      expect(two.headers.etag).toEqual(expect.any(String));
      expect(two.headers.etag).not.toBe(one.headers.etag);
    });

    it('a compressed GET keeps its ETag and revalidates to 304', async () => {
      const first = await get(HOME, { 'accept-encoding': 'br' });
      expect(first.headers['content-encoding']).toBe('br');
      expect(first.headers.etag).toEqual(expect.any(String));
      const revalidated = await get(HOME, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
    });

    it('a mutation over GET is 405', async () => {
      const response = await get('mutation { updateOrder(input: { id: "o00001", expectedVersion: 1, note: "x" }) { id } }');
      expect(response.status).toBe(405);
      expect(t.backends.orders.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    });

    it('a POST answer is private, no-store, without an ETag', async () => {
      const response = await post(SMALL);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('private, no-store');
      expect(response.headers.etag).toBeUndefined();
    });

    it('a GET answer with errors (catalog failing) is no-store, without an ETag', async () => {
      t.backends.catalog.setFault({ mode: '500' });
      const response = await get(SMALL);
      expect(response.status).toBe(200);
      const body = JSON.parse(response.body.toString('utf8')) as { data: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data).toEqual({ product: null });
      expect(body.errors[0]!.extensions.code).toBe('UPSTREAM_ERROR');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.etag).toBeUndefined();
    });
  });

  describe('@defer', () => {
    const DEFERRED = '{ viewer { id } ... @defer { recommendations(first: 2) { id } } }';

    it('answers multipart/mixed: viewer first with hasNext, then the recommendations as an incremental part', async () => {
      const response = await post(DEFERRED, { accept: 'multipart/mixed' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^multipart\/mixed/);
      const parts = multipartParts(response.body.toString('utf8'));
      expect(parts).toEqual([
        { data: { viewer: { id: 'u1' } }, hasNext: true },
        { incremental: [{ data: { recommendations: [{ id: expect.any(String) }, { id: expect.any(String) }] }, path: [] }], hasNext: false },
      ]);
    });

    it('sends the viewer at once while the deferred recommendations wait for their (hung) backend', async () => {
      t.backends.recommendations.setFault({ mode: 'hang' });
      const response = await post(DEFERRED, { accept: 'multipart/mixed' });
      expect(response.status).toBe(200);
      // When the first part (viewer, hasNext) had fully arrived.
      let received = '';
      const firstPartAt = response.chunks.find((chunk) => (received += chunk.data.toString('utf8')).includes('"hasNext":true}'))?.at;
      expect(firstPartAt).toBeLessThan(200);
      expect(response.totalMs).toBeGreaterThanOrEqual(300);
      const parts = multipartParts(response.body.toString('utf8'));
      expect(parts).toHaveLength(2);
      expect(parts[0]).toEqual({ data: { viewer: { id: 'u1' } }, hasNext: true });
      expect(parts[1]).toMatchObject({
        incremental: [
          {
            data: { recommendations: null },
            path: [],
            errors: [{ message: 'recommendations did not answer in time', locations: locationOf(DEFERRED, 'recommendations'), path: ['recommendations'] }],
          },
        ],
        hasNext: false,
      });
    });

    // Regression (was broken, now fixed): errors of a deferred part skip the gateway's maskError (gateway.ts), which is
    // where an UpstreamError becomes the error contract: the incremental payload carries the raw
    // UpstreamError message with NO extensions (no code, retryable, retryAfter), so the app cannot
    // tell a timeout it may retry from anything else; and for a failed status the raw message names
    // the backend route and status ("recommendations answered GET /recommendations with 500"),
    // which upstream-error-to-graphql.ts promises never leaves the gateway.
    it('a deferred field that fails carries the error contract, like a non-deferred one', async () => {
      t.backends.recommendations.setFault({ mode: 'hang' });
      const timedOut = multipartParts((await post(DEFERRED, { accept: 'multipart/mixed' })).body.toString('utf8'));
      expect(timedOut[1]).toEqual({
        incremental: [
          {
            data: { recommendations: null },
            path: [],
            errors: [
              {
                message: 'recommendations did not answer in time',
                locations: locationOf(DEFERRED, 'recommendations'),
                path: ['recommendations'],
                extensions: { code: 'UPSTREAM_TIMEOUT', service: 'recommendations', retryable: true, retryAfter: 1 },
              },
            ],
          },
        ],
        hasNext: false,
        extensions: { degraded: [{ service: 'recommendations', code: 'UPSTREAM_TIMEOUT', retryAfter: 1, stale: false }] },
      });
      t.backends.recommendations.setFault({ mode: '500' });
      const failed = (await post(DEFERRED, { accept: 'multipart/mixed' })).body.toString('utf8');
      expect(failed).not.toContain('/recommendations');
      expect(failed).toContain('"code":"UPSTREAM_ERROR"');
    });
  });
});
