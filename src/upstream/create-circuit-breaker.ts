import { systemClock, type Clock } from '../clock.js';
import {
  BrokenCircuitError,
  CircuitState,
  EventEmitter,
  IsolatedCircuitError,
  type Event,
  type FailureReason,
  type IDefaultPolicyContext,
  type IDisposable,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
} from 'cockatiel';
import type { BreakerWindow } from './breaker-window.js';

export interface CircuitBreakerOptions {
  /** Errors that count against the backend. Any other error passes through uncounted. */
  isFailure(error: unknown): boolean;
  /**
   * Errors that fail a half-open trial; any other error ends the trial as a success
   * (the backend answered). @default isFailure
   */
  isTrialFailure?(error: unknown): boolean;
  /** Decides from the calls made while closed when to open. */
  window: BreakerWindow;
  /** How long the circuit stays open before it lets trial calls through. */
  halfOpenAfterMs: number;
  /** Trial calls let through at once while half-open; callers beyond them are refused at once. @default 1 */
  halfOpenCalls?: number;
  /** Successful trials needed to close; one failed trial opens the circuit again. @default 1 */
  successThreshold?: number;
  /**
   * A call that takes longer is slow: it still returns its result, but it is recorded as
   * slow in the window, and a slow trial fails. @default undefined (no call is slow)
   */
  slowCallMs?: number;
  /** @default systemClock */
  now?: Clock;
}

/**
 * A circuit breaker behind cockatiel's policy interface (`IPolicy`, so `wrap()` composes
 * it) with cockatiel's events and states, plus what cockatiel 3.2.1's
 * `CircuitBreakerPolicy` cannot do: several trial calls at once in half-open
 * (`halfOpenCalls`), several successes needed to close (`successThreshold`), and slow
 * calls that count against the backend (`slowCallMs` with the window's slow-call rate).
 */
export interface CircuitBreaker extends IPolicy {
  readonly state: CircuitState;
  /** The circuit opened (with the call that opened it), or was isolated by hand. */
  readonly onBreak: Event<FailureReason<unknown> | { isolated: true }>;
  /** The circuit closed. */
  readonly onReset: Event<void>;
  /** The circuit went half-open: trial calls are let through. */
  readonly onHalfOpen: Event<void>;
  readonly onStateChange: Event<CircuitState>;
  /** A counted call (or a trial) took longer than `slowCallMs`. */
  readonly onSlowCall: Event<{ duration: number }>;
  /** `Date.now()` time from which an open circuit lets trials through; null unless open. */
  halfOpenAt(): number | null;
  /**
   * Whether a call made now would be let through: closed, open and due for its trials,
   * or half-open with a trial slot free. Lets callers refuse before queueing for it.
   */
  isCallPermitted(): boolean;
  /** Holds the circuit open by hand (a kill switch) until every handle is disposed. */
  isolate(): IDisposable;
}

/** Builds a circuit breaker; its state is per instance (no shared store). */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  return new TrialCircuitBreaker(options);
}

// Private:

type InnerState =
  | { value: CircuitState.Closed }
  | { value: CircuitState.Open; openedAt: number }
  | { value: CircuitState.HalfOpen; inFlight: number; successes: number }
  | { value: CircuitState.Isolated; holds: number };

/** What a call was let through as: its result only moves the state it was admitted in. */
interface Admission {
  epoch: number;
  trial: boolean;
}

class TrialCircuitBreaker implements CircuitBreaker {
  declare readonly _altReturn: never;
  private readonly breakEmitter = new EventEmitter<FailureReason<unknown> | { isolated: true }>();
  private readonly resetEmitter = new EventEmitter<void>();
  private readonly halfOpenEmitter = new EventEmitter<void>();
  private readonly stateChangeEmitter = new EventEmitter<CircuitState>();
  private readonly slowCallEmitter = new EventEmitter<{ duration: number }>();
  private readonly successEmitter = new EventEmitter<ISuccessEvent>();
  private readonly failureEmitter = new EventEmitter<IFailureEvent>();
  readonly onBreak = this.breakEmitter.addListener;
  readonly onReset = this.resetEmitter.addListener;
  readonly onHalfOpen = this.halfOpenEmitter.addListener;
  readonly onStateChange = this.stateChangeEmitter.addListener;
  readonly onSlowCall = this.slowCallEmitter.addListener;
  readonly onSuccess = this.successEmitter.addListener;
  readonly onFailure = this.failureEmitter.addListener;

  private inner: InnerState = { value: CircuitState.Closed };
  // Bumped on every transition. A call admitted before it (a closed-state call that ends
  // after the circuit opened, a trial of an earlier half-open) must not move the new state:
  // cockatiel lets a late closed-state failure re-open a half-open circuit.
  private epoch = 0;
  private readonly isTrialFailure: (error: unknown) => boolean;
  private readonly now: Clock;
  private readonly halfOpenCalls: number;
  private readonly successThreshold: number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.isTrialFailure = options.isTrialFailure ?? options.isFailure;
    this.now = options.now ?? systemClock;
    this.halfOpenCalls = options.halfOpenCalls ?? 1;
    this.successThreshold = options.successThreshold ?? 1;
  }

  get state(): CircuitState {
    return this.inner.value;
  }

  halfOpenAt(): number | null {
    return this.inner.value === CircuitState.Open ? this.inner.openedAt + this.options.halfOpenAfterMs : null;
  }

  isCallPermitted(): boolean {
    switch (this.inner.value) {
      case CircuitState.Closed:
        return true;
      case CircuitState.Open:
        return this.now() >= this.inner.openedAt + this.options.halfOpenAfterMs;
      case CircuitState.HalfOpen:
        return this.inner.inFlight < this.halfOpenCalls;
      case CircuitState.Isolated:
        return false;
    }
  }

  isolate(): IDisposable {
    if (this.inner.value === CircuitState.Isolated) {
      this.inner.holds += 1;
    } else {
      this.transition({ value: CircuitState.Isolated, holds: 1 });
      this.breakEmitter.emit({ isolated: true });
      this.stateChangeEmitter.emit(CircuitState.Isolated);
    }
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (this.inner.value === CircuitState.Isolated && --this.inner.holds === 0) this.close();
      },
    };
  }

  async execute<T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal: AbortSignal = NEVER_ABORTED): Promise<T> {
    const admission = this.admit();
    const started = performance.now();
    let value: T;
    try {
      value = await fn({ signal });
    } catch (error) {
      const duration = performance.now() - started;
      const handled = admission.trial ? this.isTrialFailure(error) : this.options.isFailure(error);
      this.failureEmitter.emit({ duration, handled, reason: { error: error as Error } });
      this.settle(admission, handled ? 'failure' : 'ignored', duration, { error: error as Error });
      throw error;
    }
    const duration = performance.now() - started;
    this.successEmitter.emit({ duration });
    this.settle(admission, 'success', duration, { value });
    return value;
  }

  /** Lets a call through, or throws cockatiel's BrokenCircuitError / IsolatedCircuitError. */
  private admit(): Admission {
    if (this.inner.value === CircuitState.Open) {
      if (this.now() < this.inner.openedAt + this.options.halfOpenAfterMs) throw new BrokenCircuitError();
      this.transition({ value: CircuitState.HalfOpen, inFlight: 0, successes: 0 });
      this.halfOpenEmitter.emit();
      this.stateChangeEmitter.emit(CircuitState.HalfOpen);
    }
    switch (this.inner.value) {
      case CircuitState.Closed:
        return { epoch: this.epoch, trial: false };
      case CircuitState.HalfOpen:
        if (this.inner.inFlight >= this.halfOpenCalls) {
          throw new BrokenCircuitError('Execution prevented because the circuit breaker is half-open and its trial calls are in flight');
        }
        this.inner.inFlight += 1;
        return { epoch: this.epoch, trial: true };
      default:
        throw new IsolatedCircuitError();
    }
  }

  private settle(admission: Admission, outcome: 'success' | 'failure' | 'ignored', duration: number, reason: FailureReason<unknown>): void {
    const slow = this.options.slowCallMs !== undefined && duration > this.options.slowCallMs;
    if (slow && (admission.trial || outcome !== 'ignored')) this.slowCallEmitter.emit({ duration });
    if (admission.epoch !== this.epoch) return;
    if (this.inner.value === CircuitState.HalfOpen) {
      this.inner.inFlight -= 1;
      // An error the filter does not count (a 4xx) is an answer: the backend is back.
      if (outcome === 'failure' || slow) this.open(reason);
      else if (++this.inner.successes >= this.successThreshold) this.close();
      return;
    }
    if (outcome === 'ignored') return;
    if (this.options.window.record({ failed: outcome === 'failure', slow })) this.open(reason);
  }

  private open(reason: FailureReason<unknown>): void {
    this.transition({ value: CircuitState.Open, openedAt: this.now() });
    this.breakEmitter.emit(reason);
    this.stateChangeEmitter.emit(CircuitState.Open);
  }

  private close(): void {
    this.options.window.reset();
    this.transition({ value: CircuitState.Closed });
    this.resetEmitter.emit();
    this.stateChangeEmitter.emit(CircuitState.Closed);
  }

  private transition(next: InnerState): void {
    this.inner = next;
    this.epoch += 1;
  }
}

const NEVER_ABORTED = new AbortController().signal;
