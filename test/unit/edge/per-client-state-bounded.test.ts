import { performance } from 'node:perf_hooks';
import { DIRECTIVE_SDL } from '@envelop/rate-limiter';
import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createClientRateLimiter } from '../../../src/edge/client-rate-limiter.js';
import { applyFieldRateLimits } from '../../../src/edge/field-rate-limits.js';
import { createSlidingWindowLimiter } from '../../../src/edge/sliding-window-limiter.js';

const CLIENTS = 20_000;
const BOUND = 5_000;

/**
 * Runs `call` for CLIENTS distinct clients, timing chunks of 100 calls; `check` runs after
 * each chunk (size assertions). Returns the median chunk time of the first 1,000 clients
 * and of the last 1,000 (medians: one GC pause on a shared machine must not decide).
 */
async function timeDistinctClients(call: (client: number) => Promise<unknown>, check: () => void): Promise<{ first: number; last: number }> {
  const chunks: number[] = [];
  for (let start = 0; start < CLIENTS; start += 100) {
    const began = performance.now();
    for (let client = start; client < start + 100; client += 1) await call(client);
    chunks.push(performance.now() - began);
    check();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { first: median(chunks.slice(0, 10)), last: median(chunks.slice(-10)) };
}

describe(`per-client state stays bounded and O(1) with ${CLIENTS.toLocaleString('en')} distinct clients`, () => {
  it('client limiter (memory, as when Redis is down): at most maxClients held, the last 1,000 no slower than 2× the first', async () => {
    const limit = { max: 600, windowSeconds: 60 };
    // The same code on a throwaway instance first, so the first 1,000 are not timed cold.
    const warm = createClientRateLimiter({ limit, redis: null, keyPrefix: 'warm', maxClients: BOUND });
    for (let i = 0; i < 3000; i += 1) await warm.hit(`user:w${i}`);
    const limiter = createClientRateLimiter({ limit, redis: null, keyPrefix: 'b', maxClients: BOUND });
    const sizes: number[] = [];
    const { first, last } = await timeDistinctClients(
      (client) => limiter.hit(`user:c${client}`),
      () => sizes.push(limiter.size()),
    );
    expect(Math.max(...sizes)).toBe(BOUND);
    expect(limiter.size()).toBe(BOUND);
    expect(last).toBeLessThanOrEqual(2 * first);
  });

  it('field limits (@rateLimit through applyFieldRateLimits, memory): at most maxKeys held, the last 1,000 no slower than 2× the first', async () => {
    const build = (maxKeys: number) => {
      const limiter = createSlidingWindowLimiter({ redis: null, maxKeys });
      const schema = applyFieldRateLimits(buildSchema(`${DIRECTIVE_SDL} type Query { item: Int @rateLimit(max: 2, window: "60s") }`), {
        limiter,
        keyPrefix: 'f',
        identify: (context) => (context as { clientId: string }).clientId,
      });
      return { limiter, schema };
    };
    const document = parse('{ item }');
    const run = async (schema: ReturnType<typeof build>['schema'], clientId: string) => {
      const result = await execute({ schema, document, rootValue: { item: 1 }, contextValue: { clientId } });
      expect(result).toEqual({ data: { item: 1 } });
    };
    const warm = build(BOUND);
    for (let i = 0; i < 3000; i += 1) await run(warm.schema, `user:w${i}`);
    const { limiter, schema } = build(BOUND);
    const sizes: number[] = [];
    const { first, last } = await timeDistinctClients(
      (client) => run(schema, `user:c${client}`),
      () => sizes.push(limiter.size()),
    );
    expect(Math.max(...sizes)).toBe(BOUND);
    expect(last).toBeLessThanOrEqual(2 * first);
  });
});
