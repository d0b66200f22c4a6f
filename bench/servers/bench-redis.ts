/**
 * The runner's own connection to the Redis of the "home, Redis on" scenario: checks
 * that Redis answers before any server is started, gives each server of the run a
 * key prefix of its own, counts the keys a server wrote (proof it used Redis) and
 * deletes them afterwards. The Redis may be shared (CI, other people's tests): only
 * the run's own keys are ever touched.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';

export interface BenchRedis {
  readonly url: string;
  /** A prefix no other run uses: `bench-<random>-<server>` (GATEWAY_CONFIG cache.keyPrefix allows 32 of [A-Za-z0-9_.-]). */
  keyPrefix(server: string): string;
  /** Keys under `prefix:` right now. */
  countKeys(prefix: string): Promise<number>;
  /** Deletes every key under `prefix:`; returns how many. */
  deleteKeys(prefix: string): Promise<number>;
  close(): Promise<void>;
}

/** Connects, or throws saying how to run without Redis. */
export async function connectBenchRedis(url: string): Promise<BenchRedis> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    // A refused connection leaves the client closed already (destroy would throw).
    if (client.isOpen) client.destroy();
    throw new Error(`Redis at ${url} does not answer (${String(lastError ?? error)}): start redis-server, set BENCH_REDIS_URL, or run with --no-redis`);
  }
  const run = randomBytes(4).toString('hex');
  const keysUnder = async function* (prefix: string): AsyncGenerator<string[]> {
    // SCAN, not KEYS: the Redis may be shared, and KEYS blocks it for the whole keyspace.
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) if (keys.length > 0) yield keys;
  };
  return {
    url,
    keyPrefix: (server) => `bench-${run}-${server}`.slice(0, 32),
    async countKeys(prefix) {
      let count = 0;
      for await (const keys of keysUnder(prefix)) count += keys.length;
      return count;
    },
    async deleteKeys(prefix) {
      let count = 0;
      for await (const keys of keysUnder(prefix)) count += await client.unlink(keys);
      return count;
    },
    async close() {
      await client.close();
    },
  };
}
