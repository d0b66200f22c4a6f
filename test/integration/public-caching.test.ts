import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMovableClock } from '../helpers/movable-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PRODUCT = 'query Product($id: ID!) { product(id: $id) { id name priceCents currency image(width: 200) { url width height } } }';

describe('cacheable public answers: a CDN may serve anonymous catalog reads', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '0' }, { cache: false });
  });
  afterEach(() => t.backends.catalog.clearFault());
  afterAll(() => t.close());

  /** A GET as Apollo Kotlin/iOS send a persisted query: the hash in `extensions`, no body. */
  const persistedGet = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(
      `${t.url}/graphql?${new URLSearchParams({
        operationName: 'Product',
        variables: JSON.stringify(variables),
        extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(query) } }),
      }).toString()}`,
      { headers: { accept: 'application/graphql-response+json', ...headers } },
    );
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/graphql-response+json', ...headers } });

  it('a persisted product query over GET, without Authorization, is public with the smallest max age and an ETag', async () => {
    // Register the document once (APQ), then ask by hash alone, as a CDN would see it.
    const registered = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PRODUCT, variables: { id: 'p1' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PRODUCT) } } }),
    });
    expect(registered.headers.get('cache-control')).toBe('private, no-store');
    const response = await persistedGet(PRODUCT, { id: 'p1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { product: { id: 'p1', name: expect.any(String), priceCents: expect.any(Number), currency: expect.any(String), image: expect.any(Object) } },
    });
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(response.headers.get('vary')?.split(/,\s*/)).toEqual(expect.arrayContaining(['accept', 'authorization']));
  });

  it('revalidates with If-None-Match to a 304 that stays public', async () => {
    const first = await get('{ product(id: "p2") { id name } }');
    const etag = first.headers.get('etag')!;
    const again = await get('{ product(id: "p2") { id name } }', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('public, max-age=60');
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('a list of products is public too', async () => {
    const response = await get('{ products(ids: ["p1", "p2"]) { id name } }');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('never with an Authorization header, even for the same public fields', async () => {
    const response = await get('{ product(id: "p1") { id name } }', { authorization: `Bearer ${await t.token('u1')}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('never when the operation touches the viewer, an order or recommendations', async () => {
    for (const query of ['{ viewer { id } product(id: "p1") { id } }', '{ order(id: "o1") { id } }', '{ recommendations(first: 1) { id } }']) {
      const response = await get(query);
      // The anonymous caller gets UNAUTHENTICATED: an error, so no-store.
      expect(response.headers.get('cache-control'), query).toBe('no-store');
    }
  });

  it('never for a POST, a partial answer or a failed one: today\'s rules hold', async () => {
    expect((await t.gql('{ product(id: "p1") { id } }')).headers.get('cache-control')).toBe('private, no-store');
    t.backends.catalog.setFault({ mode: '503' });
    const failed = await get('{ product(id: "p1") { id } }');
    expect(failed.headers.get('cache-control')).toBe('no-store');
    expect(failed.headers.get('etag')).toBeNull();
  });

  it('never for an operation with a field nobody marked cacheable (__typename alone says nothing)', async () => {
    expect((await get('{ __typename }')).headers.get('cache-control')).toBe('private, no-cache');
  });
});

describe('a stale answer is never public', () => {
  const clock = createMovableClock();
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      { UPSTREAM_MAX_RETRIES: '0' },
      { now: clock.now, gatewayConfig: { services: { catalog: { cache: { freshMs: 60_000, staleMs: 600_000 } } } } },
    );
  });
  afterAll(() => t.close());

  it('the same anonymous GET that is public when fresh is no-store when the catalog is down and the cache stands in', async () => {
    const url = `${t.url}/graphql?query=${encodeURIComponent('{ product(id: "p5") { id name } }')}`;
    const headers = { accept: 'application/graphql-response+json' };
    const fresh = await fetch(url, { headers });
    expect(fresh.headers.get('cache-control')).toBe('public, max-age=60');
    clock.advance(60_001);
    t.backends.catalog.setFault({ mode: '503' });
    try {
      const stale = await fetch(url, { headers });
      const body = (await stale.json()) as { data?: unknown; errors?: unknown; extensions?: { warnings?: unknown[]; degraded?: unknown[] } };
      // Complete data, no error: only the warning and the summary say it is old.
      expect(body.data).toEqual({ product: { id: 'p5', name: expect.any(String) } });
      expect(body.errors).toBeUndefined();
      expect(body.extensions?.warnings).toHaveLength(1);
      expect(body.extensions?.degraded).toEqual([{ service: 'catalog', code: 'STALE_DATA', stale: true }]);
      expect(stale.headers.get('cache-control')).toBe('no-store');
      expect(stale.headers.get('etag')).toBeNull();
    } finally {
      t.backends.catalog.clearFault();
    }
  });
});
