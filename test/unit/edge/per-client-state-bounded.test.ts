import { DIRECTIVE_SDL } from '@envelop/rate-limiter';
import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createClientRateLimiter } from '../../../src/edge/client-rate-limiter.js';
import { applyFieldRateLimits } from '../../../src/edge/field-rate-limits.js';
import { createSlidingWindowLimiter } from '../../../src/edge/sliding-window-limiter.js';

const CLIENTS = 20_000;
const BOUND = 5_000;

/**
 * Runs `call` for CLIENTS distinct clients; `check` runs after every 100 (size assertions).
 * No wall-clock bound here: on a shared CI machine timing ratios flake, and the standards
 * measure speed with `npm run bench` (its "many clients" scenario reports early/late
 * latency over 20,000 viewers). What this test pins is the bound that makes the cost O(1):
 * the state never holds more than its maximum, whatever the number of clients.
 */
async function runDistinctClients(call: (client: number) => Promise<unknown>, check: () => void): Promise<void> {
  for (let start = 0; start < CLIENTS; start += 100) {
    for (let client = start; client < start + 100; client += 1) await call(client);
    check();
  }
}

describe(`per-client state stays bounded and O(1) with ${CLIENTS.toLocaleString('en')} distinct clients`, () => {
  it('client limiter (memory, as when Redis is down): at most maxClients held', async () => {
    const limit = { max: 600, windowSeconds: 60 };
    const limiter = createClientRateLimiter({ limit, redis: null, keyPrefix: 'b', maxClients: BOUND });
    const sizes: number[] = [];
    await runDistinctClients(
      (client) => limiter.hit(`user:c${client}`),
      () => sizes.push(limiter.size()),
    );
    expect(Math.max(...sizes)).toBe(BOUND);
    expect(limiter.size()).toBe(BOUND);
  });

  it('field limits (@rateLimit through applyFieldRateLimits, memory): at most maxKeys held', async () => {
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
    const { limiter, schema } = build(BOUND);
    const sizes: number[] = [];
    await runDistinctClients(
      (client) => run(schema, `user:c${client}`),
      () => sizes.push(limiter.size()),
    );
    expect(Math.max(...sizes)).toBe(BOUND);
  });
});
