import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTier, type RedisTier } from '../../src/cache/create-redis-tier.js';
import { createClientRateLimiter, type ClientRateLimiter } from '../../src/edge/client-rate-limiter.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { connectRedis, deleteKeys, REDIS_URL, startGatewayPair, uniqueKeyPrefix, type GatewayPair, type RedisClient } from '../helpers/shared-redis.js';

const QUERY = '{ product(id: "p1") { id } }';
const THIRTY_PER_MINUTE = { max: 30, windowSeconds: 60 };

/** A minute turns at 60 s: 20 requests at 59.9 s, 20 at 60.1 s, alternating between the limiters. */
async function burstAcrossMinute(limiters: ClientRateLimiter[], clock: { now: number }, clientId: string): Promise<number> {
  let allowed = 0;
  for (const at of [59_900, 60_100]) {
    clock.now = 1_765_000_020_000 + at; // 1_765_000_020_000 is on a minute
    for (let i = 0; i < 20; i += 1) if ((await limiters[i % limiters.length]!.hit(clientId)).allowed) allowed += 1;
  }
  return allowed;
}

// Before: a fixed window per clock minute, so 20 + 20 around the minute all passed (40 for a limit of 30).
describe('client rate limit across a window boundary (CLIENT_RATE_LIMIT=30/60)', () => {
  it('20 requests just before a minute turns and 20 just after: 30 pass (in memory)', async () => {
    const clock = { now: 0 };
    const limiter = createClientRateLimiter({ limit: THIRTY_PER_MINUTE, redis: null, keyPrefix: 'wb', now: () => clock.now });
    const allowed = await burstAcrossMinute([limiter], clock, 'user:burst');
    expect(allowed).toBeLessThanOrEqual(31);
    expect(allowed).toBe(30);
  });

  describe('two instances on one Redis', () => {
    const keyPrefix = uniqueKeyPrefix();
    const tiers: RedisTier[] = [];
    let redis: RedisClient;
    beforeAll(async () => {
      redis = await connectRedis();
      for (let i = 0; i < 2; i += 1) {
        tiers.push(createRedisTier({ url: REDIS_URL, timeoutMs: 2000, breakerThreshold: 100, halfOpenAfterMs: 100, logger: createLogger({ level: 'silent' }) }));
      }
      for (let i = 0; i < 200 && tiers.some((tier) => tier.state() !== 'up'); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(tiers.map((tier) => tier.state())).toEqual(['up', 'up']);
    });
    afterAll(async () => {
      await deleteKeys(redis, keyPrefix);
      await redis.close();
      await Promise.all(tiers.map((tier) => tier.close()));
    });

    it('the same burst alternating between the instances: 30 pass in all, every decision from Redis', async () => {
      const clock = { now: 0 };
      const limiters = tiers.map((tier) => createClientRateLimiter({ limit: THIRTY_PER_MINUTE, redis: tier, keyPrefix, now: () => clock.now }));
      expect(await burstAcrossMinute(limiters, clock, 'user:burst')).toBe(30);
      expect(limiters.map((limiter) => limiter.size())).toEqual([0, 0]);
    });
  });

  describe('over real time, two gateways on one Redis (CLIENT_RATE_LIMIT=10/4)', () => {
    let pair: GatewayPair;
    beforeAll(async () => {
      // Redis gets 1 s per command, not 50 ms: on a busy test machine a late reply would send
      // an instance to its own counters, and this test is about the shared ones.
      pair = await startGatewayPair({ CLIENT_RATE_LIMIT: '10/4' }, { gatewayConfig: { cache: { redisTimeoutMs: 1000 } } });
    });
    afterAll(() => pair?.close());

    it('10 requests just before a 4 s window turns and 10 just after (half to each gateway): 10 pass', async () => {
      const { a, b } = pair;
      const token = await a.token('wb-real');
      const send = async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 10; i += 1) {
          const response = await fetch(`${(i % 2 === 0 ? a : b).url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: QUERY }),
          });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
        return statuses;
      };
      // Warm both instances up (another client), so the 10 requests fit well before the turn.
      for (const t of [a, b, a, b]) expect((await t.gql(QUERY, { as: 'wb-warm-up' })).status).toBe(200);
      // The only waits here are for a clock edge: where the old fixed window turned.
      const turn = Math.ceil((Date.now() + 600) / 4000) * 4000;
      await new Promise((resolve) => setTimeout(resolve, turn - 500 - Date.now()));
      const errorsBefore = [a.redisErrors.length, b.redisErrors.length];
      const started = Date.now();
      const before = await send();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, turn + 50 - Date.now())));
      const after = await send();
      // All 20 fell within one 4 s interval: at most 10 may pass.
      expect(Date.now() - started).toBeLessThan(4000);
      // Every decision was Redis': no instance fell back to its own counters meanwhile.
      expect([a.redisErrors.slice(errorsBefore[0]), b.redisErrors.slice(errorsBefore[1])]).toEqual([[], []]);
      const statuses = [...before, ...after];
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(10);
      expect(after).toEqual(Array.from({ length: 10 }, () => 429));
    });
  });

  describe('over HTTP, two gateways on one Redis, on a clock the test sets (CLIENT_RATE_LIMIT=30/60)', () => {
    let pair: GatewayPair;
    // Real time until the test sets it; both gateways read this one clock.
    let setAt: number | undefined;
    beforeAll(async () => {
      pair = await startGatewayPair({ CLIENT_RATE_LIMIT: '30/60' }, { now: () => setAt ?? Date.now(), gatewayConfig: { cache: { redisTimeoutMs: 1000 } } });
    });
    afterAll(() => pair?.close());

    it('20 requests 100 ms before a minute turns and 20 100 ms after, alternating between the gateways: at most 31 (here 30) pass', async () => {
      const { a, b } = pair;
      const token = await a.token('wb-http');
      const answers: Response[] = [];
      const send = async () => {
        for (let i = 0; i < 20; i += 1) {
          const response = await fetch(`${(i % 2 === 0 ? a : b).url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: QUERY }),
          });
          await response.arrayBuffer();
          answers.push(response);
        }
      };
      const minute = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
      const errorsBefore = [a.redisErrors.length, b.redisErrors.length];
      setAt = minute - 100;
      await send();
      setAt = minute + 100;
      await send();
      setAt = undefined;

      expect([a.redisErrors.slice(errorsBefore[0]), b.redisErrors.slice(errorsBefore[1])]).toEqual([[], []]);
      const passed = answers.filter((response) => response.status === 200);
      expect(passed.length).toBeLessThanOrEqual(31);
      expect(passed).toHaveLength(30);
      const refused = answers.filter((response) => response.status === 429);
      expect(refused).toHaveLength(10);
      for (const response of refused) {
        // The 30 counted 100 ms before the turn leave the window 59.8 s after the turn.
        expect(response.headers.get('retry-after')).toBe('60');
        expect(response.headers.get('x-ratelimit-limit')).toBe('30');
        expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(response.headers.get('ratelimit-remaining')).toBe('0');
      }
    });
  });
});
