/** A promise's outcome, readable synchronously: for state machines driven by fake timers. */
export interface Tracked {
  status: 'pending' | 'fulfilled' | 'rejected';
  value?: unknown;
  error?: unknown;
}

/** Starts tracking `promise`; the returned object changes when it settles. */
export function track(promise: Promise<unknown>): Tracked {
  const tracked: Tracked = { status: 'pending' };
  promise.then(
    (value) => Object.assign(tracked, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(tracked, { status: 'rejected', error }),
  );
  return tracked;
}
