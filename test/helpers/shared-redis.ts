import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { expect } from 'vitest';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './start-test-gateway.js';

/** The Redis that .ci/run guarantees. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

function createTestClient(url: string) {
  return createClient({ url });
}

export type RedisClient = ReturnType<typeof createTestClient>;

/** A connected client that never throws its connection errors at the test process. */
export async function connectRedis(url: string = REDIS_URL): Promise<RedisClient> {
  const client = createTestClient(url);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A key prefix of this run only, so parallel test files never see each other's keys. */
export function uniqueKeyPrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (a test's cleanup). */
export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(keys);
}

/**
 * Waits until the gateway reports this Redis state. With `traffic`, keeps sending
 * queries meanwhile: the Redis breaker only tries Redis again on a real lookup.
 */
export async function waitForRedisState(t: TestGateway, state: string, traffic = false): Promise<void> {
  for (let i = 0; i < 150 && t.gateway.cache.redisState() !== state; i += 1) {
    if (traffic) await t.gql(`{ product(id: "p${200 + i}") { id } }`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(t.gateway.cache.redisState()).toBe(state);
}

export interface GatewayPair {
  readonly a: TestGateway;
  readonly b: TestGateway;
  readonly keyPrefix: string;
  /** A client on the same Redis, for assertions on keys. */
  readonly redis: RedisClient;
  /** Closes both gateways and removes the run's keys. */
  close(): Promise<void>;
}

/** Two gateway instances sharing the real Redis under a fresh key prefix, both connected. */
export async function startGatewayPair(env: Record<string, string> = {}, gatewayOptions: TestGatewayOptions = {}): Promise<GatewayPair> {
  const keyPrefix = uniqueKeyPrefix();
  const redis = await connectRedis();
  const gatewayConfig = { ...gatewayOptions.gatewayConfig, cache: { ...gatewayOptions.gatewayConfig?.cache, keyPrefix } };
  const options: TestGatewayOptions = { ...gatewayOptions, gatewayConfig };
  const [a, b] = await Promise.all([startTestGateway({ REDIS_URL, ...env }, options), startTestGateway({ REDIS_URL, ...env }, options)]);
  await Promise.all([a, b].map((t) => waitForRedisState(t, 'up')));
  return {
    a,
    b,
    keyPrefix,
    redis,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await deleteKeys(redis, keyPrefix);
      await redis.close();
    },
  };
}
