import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { isUpstreamError } from './upstream-error.js';

type Context = IRetryBackoffContext<unknown>;

/**
 * Wraps cockatiel's exponential backoff: a backend's `Retry-After` replaces the
 * jittered delay, and no delay runs past the request's deadline (cockatiel's
 * retry sleeps without watching the abort signal).
 */
export class RetryAfterBackoff implements IBackoffFactory<Context> {
  constructor(
    private readonly inner: IBackoffFactory<Context>,
    private readonly remainingMs: (signal: AbortSignal) => number | undefined,
  ) {}

  next(context: Context): IBackoff<Context> {
    return this.wrap(this.inner.next(context), context);
  }

  // Private:

  private wrap(inner: IBackoff<Context>, context: Context): IBackoff<Context> {
    const error = 'error' in context.result ? context.result.error : undefined;
    let duration = isUpstreamError(error) && error.retryAfter !== undefined ? error.retryAfter * 1000 : inner.duration;
    const remaining = this.remainingMs(context.signal);
    if (remaining !== undefined) duration = Math.max(0, Math.min(duration, remaining));
    return {
      duration,
      next: (nextContext) => this.wrap(inner.next(nextContext), nextContext),
    };
  }
}
