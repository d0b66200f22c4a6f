import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedReviews } from '../../backends/reviews-backend.js';
import { startReviewsBackend, type ReferenceBackend } from '../../backends/start-reference-backends.js';
import { gatewayApp } from '../../app/gateway-app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { withConnectors } from '../../src/connectors/with-connectors.js';
import type { ServiceSettings } from '../../src/upstream/service-settings.js';
import { createMovableClock } from '../helpers/movable-clock.js';
import { parsePrometheus, sampleValue, type Sample } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * docs/adding-a-backend.md, done as it says: its schema file and its environment
 * variable, nothing else, against the reference reviews backend over real HTTP.
 */
const GUIDE = readFileSync(new URL('../../docs/adding-a-backend.md', import.meta.url), 'utf8');

/** The ```graphql block of the guide whose first line is `firstLine`. */
function guideBlock(firstLine: string): string {
  for (const match of GUIDE.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    if (match[1]!.startsWith(`${firstLine}\n`)) return match[1]!;
  }
  throw new Error(`docs/adding-a-backend.md has no graphql block starting with ${firstLine}`);
}

const SCHEMA_FILE = { name: 'reviews.graphql', sdl: guideBlock('# schema/reviews.graphql') };
const QUERY = guideBlock('# query');
const FIVE_PRODUCTS = ['p1', 'p2', 'p3', 'p4', 'p5'];
const REVIEWS = seedReviews();
const clock = createMovableClock();

async function scrape(t: TestGateway): Promise<Sample[]> {
  return parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
}

describe('adding a backend with one schema file and one environment variable (docs/adding-a-backend.md)', () => {
  let reviews: ReferenceBackend;
  let t: TestGateway;
  beforeAll(async () => {
    expect(GUIDE).toContain('REVIEWS_URL=http://reviews.internal:8080');
    reviews = await startReviewsBackend();
    t = await startTestGateway({ REVIEWS_URL: reviews.url }, { extraSchemaFiles: [SCHEMA_FILE], now: clock.now });
  });
  afterEach(() => {
    reviews.clearFault();
    reviews.resetStats();
  });
  afterAll(async () => {
    await t?.close();
    await reviews?.close();
  });

  it('has the backend in /metrics with service="reviews" and in /health/detailed from start-up, before any call', async () => {
    const samples = await scrape(t);
    expect(sampleValue(samples, 'gateway_circuit_breaker_state', { service: 'reviews' })).toBe(0);
    expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { service: 'reviews', status: 'success' })).toBe(0);
    expect(sampleValue(samples, 'gateway_external_request_total', { service: 'reviews', status: 'success', outcome: '2xx' })).toBe(0);
    expect(sampleValue(samples, 'gateway_dataloader_batch_size_count', { service: 'reviews' })).toBe(0);
    const health = (await (await fetch(`${t.url}/health/detailed`)).json()) as { services: Record<string, unknown> };
    expect(Object.keys(health.services)).toEqual(['users', 'catalog', 'orders', 'recommendations', 'reviews']);
    expect(health.services.reviews).toEqual({
      breaker: 'closed',
      retryAfterSeconds: null,
      consecutiveFailures: 0,
      lastLatencyMs: null,
      lastErrorKind: null,
      lastErrorAt: null,
    });
  });

  it("takes the backend's settings from @source", () => {
    const settings = (t.config.services as Record<string, ServiceSettings>).reviews!;
    expect(settings.url).toBe(reviews.url);
    expect(settings.timeoutMs).toBe(500);
    expect(settings.retry.maxRetries).toBe(1);
    expect(settings.cache).toEqual({ freshMs: 60_000, staleMs: 600_000 });
  });

  it("answers the guide's query with the backend's data: five products' reviews in one reviews call", async () => {
    const { status, body } = await t.gql(QUERY, { as: 'u1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const products = body.data!.products as { id: string; name: string; reviews: unknown[] }[];
    expect(products.map((p) => p.id)).toEqual(FIVE_PRODUCTS);
    for (const product of products) {
      expect(product.name).toEqual(expect.any(String));
      expect(product.reviews).toEqual(REVIEWS.get(product.id)!.slice(0, 2).map(({ stars, text }) => ({ stars, text })));
    }
    expect(body.data!.review).toEqual({ id: 'r1-1', productId: 'p1', stars: REVIEWS.get('p1')![0]!.stars });
    // One batched call for the five products' reviews, one for review(id).
    expect(reviews.stats().requests).toBe(2);
    expect(reviews.requests.map((r) => r.query).sort()).toEqual(['ids=r1-1', 'productIds=p1,p2,p3,p4,p5&limit=2']);
    for (const request of reviews.requests) {
      expect(request.headers['x-request-id']).toEqual(expect.any(String));
      expect(request.headers['x-user-id']).toBe('u1');
      expect(Number(request.headers['x-request-timeout-ms'])).toBeGreaterThan(0);
    }
    const samples = await scrape(t);
    expect(sampleValue(samples, 'gateway_external_request_total', { service: 'reviews', status: 'success', outcome: '2xx' })).toBe(2);
    expect(sampleValue(samples, 'gateway_dataloader_batch_size_sum', { service: 'reviews' })).toBe(5);
    expect(sampleValue(samples, 'gateway_dataloader_batch_size_count', { service: 'reviews' })).toBe(1);
  });

  it('keeps the other fields when reviews fails: only the reviews fields are null, each with the error contract of service "reviews"', async () => {
    reviews.setFault({ mode: '503' });
    const query = '{ products(ids: ["p6", "p7", "p8"]) { id name reviews { stars } } }';
    const { status, body } = await t.gql(query);
    expect(status).toBe(200);
    const products = body.data!.products as { id: string; name: string; reviews: unknown }[];
    expect(products.map((p) => [p.id, typeof p.name, p.reviews])).toEqual([
      ['p6', 'string', null],
      ['p7', 'string', null],
      ['p8', 'string', null],
    ]);
    expect(body.errors).toHaveLength(3);
    for (const [index, error] of body.errors!.entries()) {
      expect(error.path).toEqual(['products', index, 'reviews']);
      expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', service: 'reviews', retryable: true, retryAfter: 1 });
    }
    expect(body.extensions?.degraded).toEqual([{ service: 'reviews', code: 'SERVICE_UNAVAILABLE', retryAfter: 1, stale: false }]);
    // One batched GET, retried once (maxRetries: 1): a GET is idempotent.
    expect(reviews.stats().requests).toBe(2);
    const samples = await scrape(t);
    expect(sampleValue(samples, 'gateway_external_request_total', { service: 'reviews', status: 'failure', outcome: '5xx' })).toBe(2);
    expect(sampleValue(samples, 'gateway_retry_total', { service: 'reviews', attempt: '1' })).toBe(1);
  });

  it('serves the cached reviews, marked stale, when the backend fails after their fresh minute', async () => {
    const fresh = await t.gql(QUERY);
    expect(fresh.body.errors).toBeUndefined();
    clock.advance(60_001);
    reviews.setFault({ mode: '500' });
    const { body } = await t.gql(QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(fresh.body.data);
    const warnings = body.extensions?.warnings as { code: string; service: string; path: unknown[]; ageSeconds: number }[];
    expect(warnings.map((w) => [w.code, w.service, w.path.join('.')]).sort()).toEqual(
      [...FIVE_PRODUCTS.map((_, i) => `products.${i}.reviews`), 'review'].sort().map((path) => ['STALE_DATA', 'reviews', path]),
    );
    for (const warning of warnings) expect(warning.ageSeconds).toBeGreaterThanOrEqual(60);
    expect(body.extensions?.degraded).toEqual([{ service: 'reviews', code: 'STALE_DATA', stale: true }]);
    expect(reviews.stats().requests).toBeGreaterThan(0);
  });

  it('stops start-up naming REVIEWS_URL when it is missing or not an http(s) URL', () => {
    const app = { ...gatewayApp, schemaFiles: [...gatewayApp.schemaFiles, SCHEMA_FILE] };
    const problemsWith = (vars: Record<string, string>): readonly string[] => {
      try {
        loadConfig({ JWT_SECRET: 'x'.repeat(32), SYNC_TOKEN_SECRET: 'y'.repeat(32), ...vars }, { services: withConnectors(app).services });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
      return [];
    };
    const urls = { USERS_URL: 'http://u', CATALOG_URL: 'http://c', ORDERS_URL: 'http://o', RECOMMENDATIONS_URL: 'http://r' };
    expect(problemsWith(urls)).toEqual(['REVIEWS_URL: required (it is not set)']);
    expect(problemsWith({ ...urls, REVIEWS_URL: 'reviews:8080' })).toEqual([expect.stringMatching(/^REVIEWS_URL: expected an http\(s\) URL/)]);
    expect(problemsWith({ ...urls, REVIEWS_URL: 'http://reviews:8080' })).toEqual([]);
  });
});
