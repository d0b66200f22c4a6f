import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTier, type RedisTier } from '../../src/cache/create-redis-tier.js';
import { BUCKETS_PER_WINDOW, createSlidingWindowLimiter } from '../../src/edge/sliding-window-limiter.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { connectRedis, deleteKeys, REDIS_URL, uniqueKeyPrefix, type RedisClient } from '../helpers/shared-redis.js';

/**
 * The sliding window exists twice: in TypeScript (memory, when Redis is down) and as the
 * Lua script Redis runs. Both are driven here with the same clock and the same traffic.
 */
describe('sliding-window limiter: the Redis script decides as the memory version does', () => {
  const prefix = uniqueKeyPrefix();
  let tier: RedisTier;
  let redis: RedisClient;
  beforeAll(async () => {
    tier = createRedisTier({ url: REDIS_URL, timeoutMs: 2000, breakerThreshold: 1000, halfOpenAfterMs: 100, logger: createLogger({ level: 'silent' }) });
    redis = await connectRedis();
    for (let i = 0; i < 200 && tier.state() !== 'up'; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(tier.state()).toBe('up');
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.close();
    await tier.close();
  });

  it('same decisions for random traffic, weights, looks and a clock that sometimes goes back', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          max: fc.integer({ min: 1, max: 8 }),
          // At least a second: Redis expires keys on its own clock, which runs while the test's stands still.
          windowMs: fc.integer({ min: 1000, max: 60_000 }),
          takes: fc.array(
            fc.record({
              gap: fc.double({ min: -0.3, max: 0.5, noNaN: true }),
              weight: fc.integer({ min: 1, max: 3 }),
              count: fc.constantFrom(true, true, true, false),
            }),
            { maxLength: 40 },
          ),
        }),
        async ({ max, windowMs, takes }) => {
          const clock = { now: 1_765_000_000_000 };
          const shared = createSlidingWindowLimiter({ redis: tier, now: () => clock.now, maxKeys: 10 });
          const local = createSlidingWindowLimiter({ redis: null, now: () => clock.now, maxKeys: 10 });
          const key = `${prefix}:rl:window:test:${(run += 1)}`;
          for (const { gap, weight, count } of takes) {
            clock.now += Math.floor(gap * windowMs);
            const options = { weight, count };
            expect(await shared.take(key, { max, windowMs }, options)).toEqual(await local.take(key, { max, windowMs }, options));
          }
          // Nothing fell back to memory: every decision above came from Redis.
          expect(shared.size()).toBe(0);
          // O(1) per key, whatever the clock did.
          expect(await redis.hLen(key)).toBeLessThanOrEqual(BUCKETS_PER_WINDOW + 2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps one hash per key, a field per bucket, expiring a window after its latest unit', async () => {
    const start = 1_765_000_002_000; // a bucket (6 s) starts here
    const clock = { now: start };
    const limiter = createSlidingWindowLimiter({ redis: tier, now: () => clock.now });
    const key = `${prefix}:rl:window:test:shape`;
    await limiter.take(key, { max: 10, windowMs: 60_000 }, { weight: 2 });
    clock.now += 7_000;
    await limiter.take(key, { max: 10, windowMs: 60_000 });
    expect(await redis.hGetAll(key)).toEqual({ [String(start / 6000)]: `2:${start}`, [String(start / 6000 + 1)]: `1:${start + 7000}` });
    const ttl = await redis.pTTL(key);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
