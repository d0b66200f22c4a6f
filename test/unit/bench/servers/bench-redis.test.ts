import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBenchRedis, type BenchRedis } from '../../../../bench/servers/bench-redis.js';
import { closedPort } from '../../../helpers/closed-port.js';
import { connectRedis, REDIS_URL, type RedisClient } from '../../../helpers/shared-redis.js';

describe('connectBenchRedis (the shared Redis)', () => {
  let bench: BenchRedis;
  let redis: RedisClient;

  beforeAll(async () => {
    [bench, redis] = await Promise.all([connectBenchRedis(REDIS_URL), connectRedis()]);
  });

  afterAll(async () => {
    await Promise.all([bench.close(), redis.close()]);
  });

  it('gives each server a prefix of this run that GATEWAY_CONFIG accepts', async () => {
    const gateway = bench.keyPrefix('gateway0');
    expect(gateway).toMatch(/^bench-[0-9a-f]{8}-gateway0$/);
    expect(bench.keyPrefix('apollo0')).toBe(gateway.replace('gateway0', 'apollo0'));
    const other = await connectBenchRedis(REDIS_URL);
    try {
      expect(other.keyPrefix('gateway0')).not.toBe(gateway);
    } finally {
      await other.close();
    }
  });

  it('counts and deletes only the keys under its prefix', async () => {
    const prefix = bench.keyPrefix('count');
    const neighbour = `${prefix}x`;
    await redis.mSet([
      [`${prefix}:1`, 'a'],
      [`${prefix}:rl:client:2`, 'b'],
      [`${neighbour}:1`, 'c'],
    ]);
    try {
      expect(await bench.countKeys(prefix)).toBe(2);
      expect(await bench.deleteKeys(prefix)).toBe(2);
      expect(await bench.countKeys(prefix)).toBe(0);
      expect(await redis.get(`${neighbour}:1`)).toBe('c');
    } finally {
      await redis.del([`${prefix}:1`, `${prefix}:rl:client:2`, `${neighbour}:1`]);
    }
  });

  it('says how to run without Redis when it does not answer', async () => {
    await expect(connectBenchRedis(`redis://127.0.0.1:${await closedPort()}`)).rejects.toThrow(/does not answer.*--no-redis/);
  });
});
