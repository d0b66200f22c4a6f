import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../helpers/start-redis-server.js';
import { closedPort } from '../helpers/closed-port.js';
import { connectRedis, waitForRedisState } from '../helpers/shared-redis.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

const health = async (t: TestGateway, path: string) => {
  const response = await fetch(`${t.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Redis down at start-up', () => {
  let t: TestGateway;
  beforeAll(async () => {
    const port = await closedPort();
    t = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(() => t.close());

  it('starts, answers from the backends at once, stays ready, and shows Redis as degraded', async () => {
    const [first, elapsed] = await timed(() => t.gql('{ product(id: "p1") { id } }'));
    expect(first.body).toEqual({ data: { product: { id: 'p1' } } });
    // Not held up by Redis: well under its 500 ms connect timeout (and the 50 ms lookup
    // timeout is all a lookup may cost), with room for a loaded CI machine.
    expect(elapsed).toBeLessThan(450);
    await waitForRedisState(t, 'degraded');
    expect(await health(t, '/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await health(t, '/health/detailed')).body.redis).toBe('degraded');
    // L1 still works without Redis.
    await t.gql('{ product(id: "p1") { id } }');
    expect(t.backends.catalog.stats().requests).toBe(1);
  });
});

describe('Redis killed mid-run, slow, and back', () => {
  let redis: TestRedisServer;
  let t: TestGateway;
  beforeAll(async () => {
    redis = await startRedisServer();
    t = await startTestGateway({ REDIS_URL: redis.url }, { gatewayConfig: { cache: { redisHalfOpenAfterMs: 300 } } });
    await waitForRedisState(t, 'up');
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('keeps answering when Redis dies, costing at most one Redis timeout, and logs the transition once', async () => {
    await t.gql('{ product(id: "p2") { id } }');
    await t.gateway.cache.settled();
    await redis.kill();
    const latencies: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      // New ids each time: L1 cannot answer, so every query needs L2 and then the backend.
      const [answer, elapsed] = await timed(() => t.gql(`{ product(id: "p${100 + i}") { id } }`));
      expect(answer.body).toEqual({ data: { product: { id: `p${100 + i}` } } });
      latencies.push(elapsed);
    }
    expect(Math.max(...latencies)).toBeLessThan(250);
    await waitForRedisState(t, 'degraded');
    expect(t.redisErrors.length).toBeGreaterThan(0);
    const degradedLines = t.logs.filter((line) => line.msg === 'redis cache degraded: going straight to the backends');
    expect(degradedLines).toHaveLength(1);
    expect(await health(t, '/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('uses Redis again once it is back, without a restart', async () => {
    await redis.restart();
    await waitForRedisState(t, 'up', true);
    // The breaker lets a trial through after its half-open delay; then writes reach Redis.
    const client = await connectRedis(redis.url);
    try {
      for (let i = 0; i < 50; i += 1) {
        await t.gql(`{ product(id: "p${300 + i}") { id } }`);
        await t.gateway.cache.settled();
        if ((await client.exists(`mgw:v1:source.catalog:bdrTeXnoDWkEzrX41oC2FD:p${300 + i}`)) === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await client.keys('mgw:v1:source.catalog:*')).length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    expect(t.logs.filter((line) => line.msg === 'redis cache up').length).toBeGreaterThanOrEqual(2);
  });

  it('a slow Redis costs one short timeout per lookup, not its slowness', async () => {
    await waitForRedisState(t, 'up', true);
    const errorsBefore = t.redisErrors.length;
    const client = await connectRedis(redis.url);
    // Blocks the Redis server for 1.5 s, as a stuck or swapping Redis would. Redis has
    // no event for "a command is running": give the command a moment to arrive.
    const sleeping = client.sendCommand(['DEBUG', 'SLEEP', '1.5']).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [answer, elapsed] = await timed(() => t.gql('{ product(id: "p400") { id } }'));
    expect(answer.body).toEqual({ data: { product: { id: 'p400' } } });
    expect(elapsed).toBeLessThan(400);
    // The lookup did reach Redis and was cut off by the gateway's timeout.
    expect(t.redisErrors.length).toBeGreaterThan(errorsBefore);
    await sleeping;
    await client.close();
  });
});
