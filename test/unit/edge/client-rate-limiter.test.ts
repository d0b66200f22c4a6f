import { describe, expect, it } from 'vitest';
import { createClientRateLimiter } from '../../../src/edge/client-rate-limiter.js';

function limiter() {
  const clock = { now: 1_000_000 };
  const tiers = new Map([['premium', { max: 5, windowSeconds: 60 }]]);
  return { clock, limiter: createClientRateLimiter({ limit: { max: 2, windowSeconds: 60 }, tiers, redis: null, keyPrefix: 'u', now: () => clock.now }) };
}

describe('createClientRateLimiter', () => {
  it('picks the limit by tier; no tier or an unknown one gets the default', async () => {
    const { limiter: l } = limiter();
    expect(await l.hit('user:a', 1, 'premium')).toEqual({ allowed: true, limit: 5, remaining: 4, resetSeconds: 60, retryAfterSeconds: 0 });
    expect(await l.hit('user:b')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60, retryAfterSeconds: 0 });
    expect(await l.hit('user:c', 1, 'gold')).toMatchObject({ limit: 2, remaining: 1 });
    expect(await l.hit('user:d', 1, '__proto__')).toMatchObject({ limit: 2, remaining: 1 });
  });

  it('a client whose tier changes keeps what it used', async () => {
    const { limiter: l } = limiter();
    await l.hit('user:a', 2);
    expect((await l.hit('user:a')).allowed).toBe(false);
    expect(await l.hit('user:a', 1, 'premium')).toMatchObject({ allowed: true, limit: 5, remaining: 2 });
  });

  it('a weight of N counts N requests; Retry-After and Reset are whole seconds, at least 1', async () => {
    const { clock, limiter: l } = limiter();
    expect(await l.hit('user:a', 2)).toMatchObject({ allowed: true, remaining: 0 });
    clock.now += 59_500;
    expect(await l.hit('user:a')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1 });
    expect(await l.hit('user:b', 3)).toEqual({ allowed: false, limit: 2, remaining: 2, resetSeconds: 1, retryAfterSeconds: 60 });
  });
});
