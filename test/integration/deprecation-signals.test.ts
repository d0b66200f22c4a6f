import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const app = (name: string, version: string) => ({ 'apollographql-client-name': name, 'apollographql-client-version': version });

async function usage(t: TestGateway, labels: Record<string, string>): Promise<number | undefined> {
  const samples = parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
  return sampleValue(samples, 'gateway_deprecated_field_usage_total', labels);
}

describe('deprecation signals: Deprecation and Sunset headers, and who still uses what', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('an operation that selects Product.imageUrl is answered with Deprecation: true and its Sunset date', async () => {
    const { status, headers, body } = await t.gql('{ product(id: "p1") { id imageUrl } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { product: { id: 'p1', imageUrl: 'https://cdn.example.com/products/p1.jpg' } } });
    expect(headers.get('deprecation')).toBe('true');
    expect(headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
  });

  it('its replacement, Product.image(width:), carries neither, and derives the image from the catalog URL', async () => {
    const { headers, body } = await t.gql('{ product(id: "p1") { image(width: 320) { url width height } original: image { url width height } } }');
    expect(headers.get('deprecation')).toBeNull();
    expect(headers.get('sunset')).toBeNull();
    expect(body).toEqual({
      data: {
        product: {
          image: { url: 'https://cdn.example.com/products/p1.jpg?w=320', width: 320, height: 320 },
          original: { url: 'https://cdn.example.com/products/p1.jpg', width: null, height: null },
        },
      },
    });
  });

  it('refuses an image width outside 1-4096 with BAD_USER_INPUT on that field only', async () => {
    const { body } = await t.gql('{ product(id: "p1") { id image(width: 0) { url } } }');
    expect(body.data).toEqual({ product: { id: 'p1', image: null } });
    expect(body.errors).toMatchObject([{ path: ['product', 'image'], extensions: { code: 'BAD_USER_INPUT', argument: 'width' } }]);
  });

  it('finds deprecated fields inside fragments and lists too, and in GET answers', async () => {
    const query = 'query Cards { products(ids: ["p1", "p2"]) { ...Card } } fragment Card on Product { id imageUrl }';
    const post = await t.gql(query);
    expect(post.headers.get('deprecation')).toBe('true');
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('deprecation')).toBe('true');
    expect(get.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
  });

  it('counts gateway_deprecated_field_usage_total by field and app version, once per operation', async () => {
    const old = app('shop-ios', '1.4.0');
    await t.gql('{ product(id: "p1") { imageUrl } }', { headers: old });
    // Selected twice in one operation (an alias): still one use.
    await t.gql('{ product(id: "p2") { imageUrl small: imageUrl } }', { headers: old });
    await t.gql('{ product(id: "p1") { image(width: 100) { url } } }', { headers: app('shop-ios', '2.0.0') });
    expect(await usage(t, { field: 'Product.imageUrl', client_name: 'shop-ios', client_version: '1.4.0' })).toBe(2);
    expect(await usage(t, { field: 'Product.imageUrl', client_name: 'shop-ios', client_version: '2.0.0' })).toBeUndefined();
  });

  it('a deferred (streamed) answer that selects a deprecated field carries the headers too', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: '{ product(id: "p1") { id ... @defer { imageUrl } } }' }),
    });
    await response.text();
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    expect(response.headers.get('deprecation')).toBe('true');
  });
});
