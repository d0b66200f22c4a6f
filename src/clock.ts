/**
 * The engine's one clock: milliseconds since the epoch, as `Date.now`. Everything that
 * compares times (cache freshness and hard TTLs, breakers and their windows, deadlines,
 * limiters, persisted queries, sync tokens) reads the clock it is given, so a test can
 * move time instead of sleeping. Timers still run on real time: a test that moves the
 * clock does not wait for them.
 */
export type Clock = () => number;

/** Reads `Date.now` at each call (not once at load), so fake timers that replace `Date` apply. */
export const systemClock: Clock = () => Date.now();
