import { describe, expect, it } from 'vitest';
import { createRegistrationRateLimiter } from '../../../src/edge/registration-rate-limiter.js';

describe('createRegistrationRateLimiter', () => {
  const clock = () => {
    let at = 1_000_000;
    return { now: () => at, advance: (ms: number) => void (at += ms) };
  };

  it('allows `max` per client per window, each client on its own, and a fresh window once it ends', () => {
    const { now, advance } = clock();
    const limiter = createRegistrationRateLimiter({ max: 2, windowMs: 60_000, now });
    expect([limiter.tryAcquire('ip:a'), limiter.tryAcquire('ip:a'), limiter.tryAcquire('ip:a')]).toEqual([true, true, false]);
    expect(limiter.tryAcquire('user:u1')).toBe(true);
    advance(59_999);
    expect(limiter.tryAcquire('ip:a')).toBe(false);
    advance(1);
    expect([limiter.tryAcquire('ip:a'), limiter.tryAcquire('ip:a'), limiter.tryAcquire('ip:a')]).toEqual([true, true, false]);
  });

  it('tracks at most `maxClients`: the least recent client is forgotten (and starts afresh)', () => {
    const { now } = clock();
    const limiter = createRegistrationRateLimiter({ max: 1, windowMs: 60_000, maxClients: 2, now });
    expect(limiter.tryAcquire('ip:a')).toBe(true);
    expect(limiter.tryAcquire('ip:a')).toBe(false);
    expect(limiter.tryAcquire('ip:b')).toBe(true);
    expect(limiter.tryAcquire('ip:c')).toBe(true);
    // ip:a was pushed out by ip:c: memory stays bounded, at the price of a fresh window for it.
    expect(limiter.tryAcquire('ip:a')).toBe(true);
    expect(limiter.tryAcquire('ip:c')).toBe(false);
  });
});
