import { afterEach, describe, expect, it } from 'vitest';
import { createEntityCache } from '../../../src/cache/create-entity-cache.js';
import { createTieredCache, type TieredCache } from '../../../src/cache/create-tiered-cache.js';
import { StaleTracker } from '../../../src/cache/stale-tracker.js';
import { matchesCache, type StoredMatches } from '../../../src/connectors/stored-matches.js';
import { createLogger } from '../../../src/observability/create-logger.js';
import { UpstreamError, isUpstreamError } from '../../../src/upstream/upstream-error.js';

let tiers: TieredCache[] = [];
afterEach(async () => {
  await Promise.all(tiers.map((tier) => tier.close()));
  tiers = [];
});

/** An entity cache on a movable clock: fresh for 1 s, usable stale for 10 s. */
function setup() {
  let now = Date.now();
  const tiered = createTieredCache(
    { keyPrefix: 't', l1MaxEntries: 100, redisUrl: null, redisTimeoutMs: 50, redisBreakerThreshold: 3, redisHalfOpenAfterMs: 1000 },
    { logger: createLogger({ level: 'silent' }) },
  );
  tiers.push(tiered);
  const stored = createEntityCache<StoredMatches>({
    cache: tiered,
    keyPrefix: 't',
    kind: 'source.catalog',
    service: 'catalog',
    ttl: { freshMs: 1000, staleMs: 10_000 },
    now: () => now,
    canStandIn: isUpstreamError,
    isCancellation: () => false,
  });
  return { tiered, cache: matchesCache(stored), advance: (ms: number) => (now += ms) };
}

const P1 = { id: 'p1', name: 'One' };
const R1 = { id: 'r1', productId: 'p2' };
const R2 = { id: 'r2', productId: 'p2' };
const found = new Map([
  ['p1', [P1]],
  ['p2', [R1, R2]],
  ['p3', []],
]);

describe('matches in the cache', () => {
  it('stores a key with one match as the item itself, others as lists, and gives every key back as a list', async () => {
    const { tiered, cache } = setup();
    expect(await cache.loadMany(['p1', 'p2', 'p3'], async () => found)).toEqual([[P1], [R1, R2], []]);
    const [p1, p2, p3] = await tiered.getMany(['t:v1:source.catalog:p1', 't:v1:source.catalog:p2', 't:v1:source.catalog:p3']);
    expect(p1!.v).toEqual(P1);
    expect(p2!.v).toEqual([R1, R2]);
    expect(p3!.v).toEqual([]);
    // Read back from the cache (no fetch): the same lists.
    expect(await cache.loadMany(['p1', 'p2', 'p3'], async () => Promise.reject(new Error('not asked')))).toEqual([[P1], [R1, R2], []]);
  });

  it('marks a stale stand-in on the list it returns, never on the stored item', async () => {
    const { cache, advance } = setup();
    await cache.loadMany(['p1', 'p2'], async () => found);
    advance(5000);
    const stale = new StaleTracker();
    const failing = async (): Promise<never> => {
      throw new UpstreamError({ kind: 'status', status: 503, service: 'catalog', message: 'down' });
    };
    const [one, two] = (await cache.loadMany(['p1', 'p2'], failing, stale)) as [readonly object[], readonly object[]];
    expect(one).toEqual([P1]);
    expect(stale.markOf(one)).toEqual({ service: 'catalog', ageSeconds: 5 });
    expect(stale.markOf(one[0])).toBeUndefined();
    expect(stale.markOf(two)).toEqual({ service: 'catalog', ageSeconds: 5 });
    expect(stale.markOf(two[0])).toBeUndefined();
    const single = await cache.load('p1', failing, stale);
    expect(stale.markOf(single)).toEqual({ service: 'catalog', ageSeconds: 5 });
  });
});
