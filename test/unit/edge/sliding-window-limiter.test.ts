import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS_PER_WINDOW, createSlidingWindowLimiter, type WindowLimit } from '../../../src/edge/sliding-window-limiter.js';

/** A limiter on this instance's memory, on a clock the test moves. */
function memoryLimiter(maxKeys?: number) {
  const clock = { now: 0 };
  const limiter = createSlidingWindowLimiter({ redis: null, now: () => clock.now, ...(maxKeys === undefined ? {} : { maxKeys }) });
  return { clock, limiter };
}

const PER_MINUTE_3: WindowLimit = { max: 3, windowMs: 60_000 };

describe('createSlidingWindowLimiter (memory)', () => {
  it('a burst of max passes, the next is refused until the burst leaves the window, then passes', async () => {
    const { clock, limiter } = memoryLimiter();
    clock.now = 1_000_000;
    const burst = [];
    for (let i = 0; i < 3; i += 1) burst.push(await limiter.take('k', PER_MINUTE_3));
    expect(burst.map((d) => [d.allowed, d.remaining, d.resetMs])).toEqual([
      [true, 2, 60_000],
      [true, 1, 60_000],
      [true, 0, 60_000],
    ]);
    clock.now += 59_999;
    expect(await limiter.take('k', PER_MINUTE_3)).toEqual({ allowed: false, used: 3, remaining: 0, resetMs: 1, retryAfterMs: 1 });
    clock.now += 1;
    expect(await limiter.take('k', PER_MINUTE_3)).toEqual({ allowed: true, used: 1, remaining: 2, resetMs: 60_000, retryAfterMs: 0 });
  });

  it('retryAfter is when enough counted units leave for this take, oldest first', async () => {
    const { clock, limiter } = memoryLimiter();
    await limiter.take('k', PER_MINUTE_3, { weight: 2 }); // t = 0
    clock.now = 10_000;
    await limiter.take('k', PER_MINUTE_3); // t = 10 s, another tenth of the window
    clock.now = 20_000;
    // One unit needs the two of t = 0 gone (at 60 s); three need t = 10 s gone too (at 70 s).
    expect(await limiter.take('k', PER_MINUTE_3)).toMatchObject({ allowed: false, used: 3, resetMs: 40_000, retryAfterMs: 40_000 });
    expect(await limiter.take('k', PER_MINUTE_3, { weight: 3 })).toMatchObject({ allowed: false, retryAfterMs: 50_000 });
    // More than max never fits: refused, with the window as the answer, counting nothing.
    expect(await limiter.take('k', PER_MINUTE_3, { weight: 4 })).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    clock.now = 60_000;
    expect(await limiter.take('k', PER_MINUTE_3, { weight: 2 })).toMatchObject({ allowed: true, used: 3, remaining: 0, resetMs: 10_000 });
  });

  it('refused takes count nothing, and a look (count: false) counts nothing either', async () => {
    const { clock, limiter } = memoryLimiter();
    for (let i = 0; i < 3; i += 1) await limiter.take('k', PER_MINUTE_3);
    for (let i = 0; i < 10; i += 1) {
      clock.now += 1000;
      expect((await limiter.take('k', PER_MINUTE_3)).allowed).toBe(false);
    }
    clock.now = 60_000;
    expect(await limiter.take('k', PER_MINUTE_3, { count: false })).toMatchObject({ allowed: true, used: 0, remaining: 3 });
    expect(await limiter.take('k', PER_MINUTE_3)).toMatchObject({ allowed: true, used: 1 });
  });

  it('counts a bucket until a window after its latest unit: at most a tenth of a window stricter than an exact log', async () => {
    const { clock, limiter } = memoryLimiter();
    const limit = { max: 2, windowMs: 60_000 };
    await limiter.take('k', limit); // t = 0
    clock.now = 5_000;
    await limiter.take('k', limit); // t = 5 s, same 6 s bucket
    clock.now = 60_500;
    // An exact log would let this through (t = 0 has left): the bucket counts both until 65 s.
    expect(await limiter.take('k', limit)).toMatchObject({ allowed: false, retryAfterMs: 4_500 });
    clock.now = 65_000;
    expect(await limiter.take('k', limit, { weight: 2 })).toMatchObject({ allowed: true });
  });

  it('keys are separate; a weight is a number of units', async () => {
    const { limiter } = memoryLimiter();
    expect(await limiter.take('a', PER_MINUTE_3, { weight: 3 })).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.take('a', PER_MINUTE_3)).allowed).toBe(false);
    expect(await limiter.take('b', PER_MINUTE_3)).toMatchObject({ allowed: true, remaining: 2 });
    await expect(limiter.take('a', PER_MINUTE_3, { weight: 0 })).rejects.toThrow(TypeError);
    await expect(limiter.take('a', PER_MINUTE_3, { weight: 1.5 })).rejects.toThrow(TypeError);
  });

  it('a clock that goes backwards never lets more through', async () => {
    const { clock, limiter } = memoryLimiter();
    clock.now = 100_000;
    await limiter.take('k', PER_MINUTE_3, { weight: 2 });
    clock.now = 30_000;
    expect(await limiter.take('k', PER_MINUTE_3)).toMatchObject({ allowed: true, used: 3 });
    expect((await limiter.take('k', PER_MINUTE_3)).allowed).toBe(false);
  });

  it('holds at most maxKeys keys, forgetting the least recently used', async () => {
    const { limiter } = memoryLimiter(100);
    for (let i = 0; i < 1000; i += 1) await limiter.take(`client-${i}`, PER_MINUTE_3);
    expect(limiter.size()).toBe(100);
  });

  describe('property: random traffic, any limit', () => {
    const traffic = fc.record({
      max: fc.integer({ min: 1, max: 12 }),
      windowMs: fc.integer({ min: 10, max: 60_000 }),
      takes: fc.array(fc.record({ gap: fc.double({ min: 0, max: 0.4, noNaN: true }), weight: fc.integer({ min: 1, max: 4 }) }), {
        maxLength: 80,
      }),
    });

    it('never lets more than max units through in any window-long interval, and refuses only what a window plus one bucket holds', async () => {
      await fc.assert(
        fc.asyncProperty(traffic, async ({ max, windowMs, takes }) => {
          // Few keys: lru-cache allocates its arrays for maxKeys up front.
          const { clock, limiter } = memoryLimiter(10);
          const bucketMs = Math.ceil(windowMs / BUCKETS_PER_WINDOW);
          const passed: { at: number; weight: number }[] = [];
          const unitsSince = (from: number) => passed.filter((take) => take.at > from).reduce((sum, take) => sum + take.weight, 0);
          for (const { gap, weight } of takes) {
            clock.now += Math.floor(gap * windowMs);
            const decision = await limiter.take('k', { max, windowMs }, { weight });
            if (decision.allowed) {
              passed.push({ at: clock.now, weight });
              // Every interval (t - window, t] ending at a passed take holds at most max.
              expect(unitsSince(clock.now - windowMs)).toBeLessThanOrEqual(max);
              // What it counts: at least an exact log's count, at most that of a window one bucket longer.
              expect(decision.used).toBeGreaterThanOrEqual(unitsSince(clock.now - windowMs));
              expect(decision.used).toBeLessThanOrEqual(unitsSince(clock.now - windowMs - bucketMs));
            } else if (weight <= max) {
              // A refusal is justified by what passed in the window stretched by one bucket.
              expect(unitsSince(clock.now - windowMs - bucketMs) + weight).toBeGreaterThan(max);
              expect(decision.retryAfterMs).toBeGreaterThan(0);
              expect(decision.retryAfterMs).toBeLessThanOrEqual(windowMs);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
