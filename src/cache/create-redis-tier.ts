import { systemClock, type Clock } from '../clock.js';
import { createHash } from 'node:crypto';
import KeyvRedis, { createClient } from '@keyv/redis';
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';
import Keyv from 'keyv';
import type { Logger } from '../observability/create-logger.js';
import { isCacheEnvelope, type CacheTier } from './cache-envelope.js';

export type RedisTierState = 'connecting' | 'up' | 'degraded';

export interface RedisTierOptions {
  url: string;
  /** Longest one Redis operation may take. */
  timeoutMs: number;
  /** Failures in a row after which Redis is skipped. */
  breakerThreshold: number;
  /** How long Redis is skipped before one operation tries it again. */
  halfOpenAfterMs: number;
  logger: Logger;
  /** Told about every Redis error, including those `set` hides by reporting success. */
  onError?: (error: unknown) => void;
  /** Clock of the envelopes' hard TTLs. @default systemClock */
  now?: Clock;
}

/** L2 as the gateway sees it: a cache tier that is never on the critical path. */
/** The result of an operation that must tell "Redis failed" from "no value". */
export type RedisResult<T> = { ok: true; value: T } | { ok: false };

export interface RedisTier extends CacheTier {
  state(): RedisTierState;
  /** Runs a Lua script atomically in one round trip (EVALSHA; EVAL the first time this Redis has not seen it). */
  runScript(source: string, keys: readonly string[], args: readonly string[]): Promise<RedisResult<unknown>>;
  close(): Promise<void>;
}

class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError';
}

/**
 * L2 on Redis through @keyv/redis, configured for a cache rather than a database:
 * no offline queue (a command fails at once while disconnected instead of
 * waiting), a short connect timeout, a reconnect strategy, every operation bounded
 * by `timeoutMs`, and a breaker that skips Redis after repeated failures. Redis
 * being down, slow or back never needs a restart.
 */
export function createRedisTier(options: RedisTierOptions): RedisTier {
  const { logger, timeoutMs } = options;
  const now = options.now ?? systemClock;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 500, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  });
  const store = new KeyvRedis(client, { throwOnConnectError: false, throwOnErrors: true, connectionTimeout: 300 });
  const keyv = new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
  // Keyv hands its default namespace ("keyv") to the store, which would prefix every
  // key with "keyv::"; our keys carry their own namespace (as @keyv/redis' createKeyv does).
  keyv.namespace = undefined;
  let current: RedisTierState = 'connecting';
  let closed = false;

  const setState = (next: RedisTierState, error?: unknown) => {
    if (next === current || closed) return;
    const previous = current;
    current = next;
    // Once per transition, never once per request.
    if (next === 'up') logger.info({ redis: next, previous }, 'redis cache up');
    else logger.warn({ redis: next, previous, err: error }, 'redis cache degraded: going straight to the backends');
  };
  const countError = (error: unknown) => options.onError?.(error);
  // The client, the adapter and keyv each emit 'error'; an EventEmitter without a
  // listener would throw it and take the process down.
  client.on('error', (error: unknown) => {
    countError(error);
    setState('degraded', error);
  });
  client.on('ready', () => setState('up'));
  store.on('error', () => undefined);
  keyv.on('error', () => undefined);

  const breaker = circuitBreaker(handleAll, { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) });
  breaker.onBreak(() => setState('degraded'));

  const scriptShas = new Map<string, string>();

  // Connect in the background: a dead Redis at start-up must not delay the gateway.
  client.connect().catch(() => undefined);

  async function attempt<T>(operation: () => Promise<T>): Promise<RedisResult<T>> {
    // A trial is already in flight: skip Redis rather than wait for it.
    if (closed || breaker.state === CircuitState.HalfOpen) return { ok: false };
    try {
      return { ok: true, value: await breaker.execute(() => withTimeout(operation(), timeoutMs)) };
    } catch (error) {
      if (!isBrokenCircuitError(error)) {
        countError(error);
        setState('degraded', error);
      }
      return { ok: false };
    }
  }

  /** For the cache: a failed Redis is a miss. */
  async function guarded<T>(operation: () => Promise<T>): Promise<T | undefined> {
    const result = await attempt(operation);
    return result.ok ? result.value : undefined;
  }

  return {
    state: () => (breaker.state === CircuitState.Open ? 'degraded' : current),
    async getMany(keys) {
      const values = await guarded(() => keyv.getMany([...keys]) as Promise<unknown[]>);
      if (values === undefined) return keys.map(() => undefined);
      return values.map((value) => (isCacheEnvelope(value) && value.x > now() ? value : undefined));
    },
    async setMany(writes) {
      const at = now();
      await guarded(() => keyv.setMany(writes.map(({ key, envelope }) => ({ key, value: envelope, ttl: Math.max(1, envelope.x - at) }))));
    },
    runScript: (source, keys, args) =>
      attempt(async () => {
        let sha = scriptShas.get(source);
        if (sha === undefined) {
          sha = createHash('sha1').update(source).digest('hex');
          scriptShas.set(source, sha);
        }
        const options = { keys: [...keys], arguments: [...args] };
        try {
          return (await client.evalSha(sha, options)) as unknown;
        } catch (error) {
          // A restarted or flushed Redis has forgotten the script: send it once more.
          if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
          return (await client.eval(source, options)) as unknown;
        }
      }),
    async close() {
      closed = true;
      // destroy, not close: a shutting-down gateway does not wait on cache writes.
      if (client.isOpen) client.destroy();
    },
  };
}

// Private:

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
