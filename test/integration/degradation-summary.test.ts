import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { multipartParts } from '../helpers/multipart-parts.js';
import { rawRequest } from '../helpers/raw-http.js';
import { createAppClient, type AppClient } from '../helpers/apollo-client.js';
import { startStaleCacheGateway, STALE_IF_ERROR_CACHE } from '../helpers/stale-cache-gateway.js';
import { type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

/**
 * What an app has in hand: a real Apollo Client with `errorPolicy: 'all'` (data kept
 * beside the errors), over real HTTP, reading `extensions` in a link. Returned as one
 * GraphQL body: the data (with the `__typename`s Apollo Client adds), the errors, and
 * the extensions of the answer (of its last part, for a deferred one).
 */
async function query(app: AppClient, text: string, token?: string): Promise<GraphQLResponseBody> {
  const result = await app.query(text, token === undefined ? {} : { token });
  expect(result.extensions).toHaveLength(1);
  return {
    data: result.data as Record<string, unknown>,
    ...(result.errors.length === 0 ? {} : { errors: [...result.errors] as GraphQLResponseBody['errors'] }),
    ...(result.extensions[0] === undefined ? {} : { extensions: result.extensions[0] }),
  };
}

describe.each(EXECUTORS)('extensions.degraded: one summary of what is degraded, per response (%s executor)', (executor) => {
  let t: TestGateway;
  let app: AppClient;
  /** Moves entries cached now past their fresh TTL (they stay usable-if-stale), without waiting. */
  let pastFresh: () => void;
  beforeAll(async () => {
    ({ t, pastFresh } = await startStaleCacheGateway(executor, {
      catalog: { cache: STALE_IF_ERROR_CACHE },
      recommendations: { cache: { freshMs: 0, staleMs: 0 } },
      users: { cache: { freshMs: 0, staleMs: 0 } },
    }));
    app = createAppClient(`${t.url}/graphql`);
  });
  afterEach(() => {
    t.backends.catalog.clearFault();
    t.backends.recommendations.clearFault();
    t.backends.users.clearFault();
  });
  afterAll(async () => {
    app.stop();
    await t.close();
  });

  it('is absent when nothing is degraded', async () => {
    const body = await query(app, '{ viewer { id } recommendations(first: 2) { id } }', await t.token('u1'));
    expect(body.errors).toBeUndefined();
    expect(body.extensions).toBeUndefined();
  });

  it('lists a failing service once, with its code and retryAfter, beside the data the app can still show', async () => {
    t.backends.recommendations.setFault({ mode: '503', retryAfter: 7 });
    const body = await query(app, '{ viewer { id } recommendations(first: 2) { id } }', await t.token('u1'));
    expect(body.data).toEqual({ viewer: { __typename: 'User', id: 'u1' }, recommendations: null });
    expect(body.errors).toHaveLength(1);
    expect(body.extensions).toEqual({ degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 7, stale: false }] });
  });

  it('many failed fields of one service are one entry; two services are two', async () => {
    t.backends.catalog.setFault({ mode: '500' });
    t.backends.recommendations.setFault({ mode: '503', retryAfter: 3 });
    const body = await query(app, '{ products(ids: ["p91", "p92", "p93"]) { id } recommendations(first: 1) { id } }', await t.token('u1'));
    expect(body.errors?.length).toBeGreaterThanOrEqual(4);
    // In the order the errors came in, which is the order the backends failed in.
    const degraded = [...(body.extensions?.degraded as { service: string }[])].sort((a, b) => a.service.localeCompare(b.service));
    expect(degraded).toEqual([
      { service: 'catalog', code: 'UPSTREAM_ERROR', retryAfter: 1, stale: false },
      { service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 3, stale: false },
    ]);
  });

  it('says stale: true, with code STALE_DATA, when a failed service was stood in for by the cache', async () => {
    await query(app, '{ product(id: "p81") { id name } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '503' });
    const body = await query(app, '{ product(id: "p81") { id name } }');
    expect(body.data).toEqual({ product: { __typename: 'Product', id: 'p81', name: expect.any(String) } });
    expect(body.errors).toBeUndefined();
    expect(body.extensions).toEqual({
      warnings: [{ code: 'STALE_DATA', service: 'catalog', path: ['product'], ageSeconds: 60 }],
      degraded: [{ service: 'catalog', code: 'STALE_DATA', stale: true }],
    });
  });

  it('a service that served some values stale and failed others is one entry: its error code, stale: true', async () => {
    await query(app, '{ product(id: "p82") { id } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '503', retryAfter: 5 });
    const body = await query(app, '{ products(ids: ["p82", "p83"]) { id } }');
    expect(body.data).toEqual({ products: [{ __typename: 'Product', id: 'p82' }, null] });
    expect(body.extensions?.degraded).toEqual([{ service: 'catalog', code: 'SERVICE_UNAVAILABLE', retryAfter: 5, stale: true }]);
  });

  it('lists the services with failed fields first, then those that only served stale values', async () => {
    await query(app, '{ product(id: "p85") { id } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '503' });
    t.backends.users.setFault({ mode: '503', retryAfter: 6 });
    // The product comes first in the query and is served (stale) first; still listed last.
    const body = await query(app, '{ product(id: "p85") { id } viewer { id } }', await t.token('u1'));
    expect(body.data).toEqual({ product: { __typename: 'Product', id: 'p85' }, viewer: null });
    expect(body.extensions?.degraded).toEqual([
      { service: 'users', code: 'SERVICE_UNAVAILABLE', retryAfter: 6, stale: false },
      { service: 'catalog', code: 'STALE_DATA', stale: true },
    ]);
  });

  it('leaves out errors that retrying cannot fix (not signed in, bad input): nothing is degraded', async () => {
    const body = await query(app, '{ viewer { id } product(id: "p1") { image(width: 0) { url } } }');
    expect(body.errors?.map((error) => error.extensions?.code).sort()).toEqual(['BAD_USER_INPUT', 'UNAUTHENTICATED']);
    expect(body.extensions).toBeUndefined();
  });

  it('covers @defer: a deferred part whose service failed carries the summary; the parts before it do not', async () => {
    t.backends.recommendations.setFault({ mode: '503', retryAfter: 9 });
    const response = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${await t.token('u1')}` },
      body: JSON.stringify({ query: '{ viewer { id } ... @defer { recommendations(first: 2) { id } } }' }),
    });
    const parts = multipartParts(response.body.toString('utf8')) as GraphQLResponseBody[];
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({ data: { viewer: { id: 'u1' } }, hasNext: true });
    expect(parts[1]).toMatchObject({
      incremental: [{ data: { recommendations: null }, errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] }],
      hasNext: false,
      extensions: { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 9, stale: false }] },
    });
  });

  it('covers @defer for an app: Apollo Client merges the parts, keeps the partial data, and its link sees the summary on the last part', async () => {
    t.backends.recommendations.setFault({ mode: '503', retryAfter: 4 });
    const result = await app.query('{ viewer { id } ... @defer { recommendations(first: 2) { id } } }', { token: await t.token('u1') });
    expect(result.data).toEqual({ __typename: 'Query', viewer: { __typename: 'User', id: 'u1' }, recommendations: null });
    expect(result.errors).toMatchObject([{ path: ['recommendations'], extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 4 } }]);
    // Two parts over multipart HTTP: the first, with the viewer, has nothing degraded yet.
    expect(result.extensions).toEqual([undefined, { degraded: [{ service: 'recommendations', code: 'SERVICE_UNAVAILABLE', retryAfter: 4, stale: false }] }]);
  });

  it('covers @defer with stale values: the deferred part says which service it was', async () => {
    await query(app, '{ product(id: "p84") { id } }');
    pastFresh();
    t.backends.catalog.setFault({ mode: '503' });
    const response = await rawRequest(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ __typename ... @defer { product(id: "p84") { id } } }' }),
    });
    const parts = multipartParts(response.body.toString('utf8')) as GraphQLResponseBody[];
    expect(parts[0]).toEqual({ data: { __typename: 'Query' }, hasNext: true });
    expect(parts.at(-1)).toMatchObject({
      incremental: [{ data: { product: { id: 'p84' } } }],
      extensions: { degraded: [{ service: 'catalog', code: 'STALE_DATA', stale: true }] },
    });
  });
});
