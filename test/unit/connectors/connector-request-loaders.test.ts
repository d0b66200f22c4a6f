import { afterEach, describe, expect, it } from 'vitest';
import { createEntityCache } from '../../../src/cache/create-entity-cache.js';
import { createTieredCache, type TieredCache } from '../../../src/cache/create-tiered-cache.js';
import { createConnectorRequestLoaders } from '../../../src/connectors/connector-request-loaders.js';
import { parseJsonSelection } from '../../../src/connectors/json-selection.js';
import { createSourceConnector } from '../../../src/connectors/source-connector.js';
import { HOLE } from '../../../src/connectors/url-template.js';
import { createLogger } from '../../../src/observability/create-logger.js';
import type { UpstreamRequest, UpstreamResponse } from '../../../src/upstream/http-client.js';
import { isUpstreamError } from '../../../src/upstream/upstream-error.js';
import type { ServiceClient } from '../../../src/upstream/service-client.js';
import type { ServiceSettings } from '../../../src/upstream/service-settings.js';

const ITEMS = parseJsonSelection('items');
const call = { requestId: 'req-1', viewerId: null };

/**
 * A backend of the batch contract behind a ServiceClient: `?ids=a,b` → the items of
 * the known ids (two reviews for p1, none for p3, the others one each).
 */
function reviewsClient(maxBatchSize: number) {
  const paths: string[] = [];
  const batchSizes: number[] = [];
  const client: ServiceClient = {
    name: 'reviews',
    settings: { maxBatchSize } as ServiceSettings,
    policy: undefined as unknown as ServiceClient['policy'],
    onBatch: (size) => batchSizes.push(size),
    async request(request: UpstreamRequest): Promise<UpstreamResponse> {
      paths.push(request.path);
      const ids = new URL(`http://backend${request.path}`).searchParams.get('productIds')!.split(',');
      const items = ids.flatMap((id) =>
        id === 'p1' ? [{ id: 'r1', productId: 'p1' }, { id: 'r2', productId: 'p1' }] : id === 'p3' ? [] : [{ id: `r-${id}`, productId: id }],
      );
      return { status: 200, headers: {}, body: { items } };
    },
    close: async () => {},
  };
  return { client, paths, batchSizes };
}

let caches: TieredCache[] = [];
afterEach(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  caches = [];
});

function entityCache(freshMs: number) {
  const tiered = createTieredCache(
    { keyPrefix: 't', l1MaxEntries: 100, redisUrl: null, redisTimeoutMs: 50, redisBreakerThreshold: 3, redisHalfOpenAfterMs: 1000 },
    { logger: createLogger({ level: 'silent' }) },
  );
  caches.push(tiered);
  return createEntityCache<unknown>({
    cache: tiered,
    keyPrefix: 't',
    kind: 'source.reviews',
    service: 'reviews',
    ttl: { freshMs, staleMs: freshMs * 10 },
    canStandIn: isUpstreamError,
    isCancellation: (error) => isUpstreamError(error) && error.cancelled,
  });
}

describe('connector request loaders', () => {
  it('batches the keys of one tick into calls of at most maxBatchSize, each key once, every key getting its own matches', async () => {
    const { client, paths, batchSizes } = reviewsClient(2);
    const loaders = createConnectorRequestLoaders(createSourceConnector(client, entityCache(0)), call);
    const loader = loaders.batch(`/reviews?productIds=${HOLE}&limit=3`, 'productId', ITEMS);
    const results = await Promise.all(['p1', 'p2', 'p1', 'p3', 'p4', 'p2', 'p5'].map((key) => loader.load(key)));
    expect(paths).toEqual(['/reviews?productIds=p1,p2&limit=3', '/reviews?productIds=p3,p4&limit=3', '/reviews?productIds=p5&limit=3']);
    expect(batchSizes).toEqual([2, 2, 1]);
    expect(results).toEqual([
      [{ id: 'r1', productId: 'p1' }, { id: 'r2', productId: 'p1' }],
      [{ id: 'r-p2', productId: 'p2' }],
      [{ id: 'r1', productId: 'p1' }, { id: 'r2', productId: 'p1' }],
      [],
      [{ id: 'r-p4', productId: 'p4' }],
      [{ id: 'r-p2', productId: 'p2' }],
      [{ id: 'r-p5', productId: 'p5' }],
    ]);
  });

  it('gives fields of the same request shape one loader, and other shapes their own', async () => {
    const { client, paths } = reviewsClient(100);
    const loaders = createConnectorRequestLoaders(createSourceConnector(client, entityCache(0)), call);
    const shape = `/reviews?productIds=${HOLE}&limit=3`;
    expect(loaders.batch(shape, 'productId', ITEMS)).toBe(loaders.batch(shape, 'productId', ITEMS));
    await Promise.all([
      loaders.batch(shape, 'productId', ITEMS).load('p1'),
      loaders.batch(shape, 'productId', ITEMS).load('p2'),
      loaders.batch(`/reviews?productIds=${HOLE}&limit=1`, 'productId', ITEMS).load('p2'),
    ]);
    expect(paths.sort()).toEqual(['/reviews?productIds=p1,p2&limit=3', '/reviews?productIds=p2&limit=1']);
  });

  it('refuses a key the batch contract cannot carry, alone, as a field error', async () => {
    const { client, paths } = reviewsClient(100);
    const loader = createConnectorRequestLoaders(createSourceConnector(client, entityCache(0)), call).batch(`/reviews?productIds=${HOLE}`, 'productId', ITEMS);
    const [bad, good] = await Promise.all([loader.load('p1,p2').catch((error: unknown) => error), loader.load('p2')]);
    expect(bad).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(good).toEqual([{ id: 'r-p2', productId: 'p2' }]);
    expect(paths).toEqual(['/reviews?productIds=p2']);
  });

  it('caches each request shape apart: another template never answers from this one’s entries', async () => {
    const { client, paths } = reviewsClient(100);
    const connector = createSourceConnector(client, entityCache(60_000));
    const first = createConnectorRequestLoaders(connector, call);
    await first.batch(`/reviews?productIds=${HOLE}&limit=3`, 'productId', ITEMS).load('p2');
    const second = createConnectorRequestLoaders(connector, { requestId: 'req-2', viewerId: null });
    await second.batch(`/reviews?productIds=${HOLE}&limit=3`, 'productId', ITEMS).load('p2');
    expect(paths).toEqual(['/reviews?productIds=p2&limit=3']);
    await second.batch(`/reviews?productIds=${HOLE}&limit=1`, 'productId', ITEMS).load('p2');
    expect(paths).toEqual(['/reviews?productIds=p2&limit=3', '/reviews?productIds=p2&limit=1']);
  });

  it('asks one non-batched URL once per request, however many fields want it', async () => {
    const { client, paths } = reviewsClient(100);
    const loaders = createConnectorRequestLoaders(createSourceConnector(client, entityCache(0)), call);
    const [a, b] = await Promise.all([loaders.get('/reviews?productIds=p2', ITEMS), loaders.get('/reviews?productIds=p2', ITEMS)]);
    expect(a).toBe(b);
    expect(a).toEqual({ value: [{ id: 'r-p2', productId: 'p2' }], notFound: false });
    expect(paths).toEqual(['/reviews?productIds=p2']);
  });
});
