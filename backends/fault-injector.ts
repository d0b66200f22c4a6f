import { isJsonObject } from './json-http.js';

export type FaultMode = 'ok' | 'slow' | 'hang' | '500' | '503' | '429' | 'garbage' | 'reset' | 'flaky';

export const FAULT_MODES: readonly FaultMode[] = ['ok', 'slow', 'hang', '500', '503', '429', 'garbage', 'reset', 'flaky'];

export interface Fault {
  mode: FaultMode;
  /** `slow` only: how long to wait before answering (default 2000). */
  delayMs?: number;
  /** Fraction of requests affected, 0..1 (default 1; 0.3 for `flaky`). */
  rate?: number;
  /** Seconds for the Retry-After header (`503` only when given; `429` defaults to 1). */
  retryAfter?: number;
  /** Only requests with this method are affected, e.g. `PATCH` to fail a write but not the reads before it (default: all). */
  method?: string;
}

export const DEFAULT_SLOW_DELAY_MS = 2000;
export const DEFAULT_FLAKY_RATE = 0.3;
const MAX_DELAY_MS = 10 * 60_000;
const ALLOWED_KEYS = new Set(['mode', 'delayMs', 'rate', 'retryAfter', 'method']);
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Thrown by validateFault; the message is what POST /__faults returns with its 400. */
export class InvalidFaultError extends Error {
  override name = 'InvalidFaultError';
}

/**
 * Checks an untrusted fault description (a POST /__faults body or a
 * setFault() argument) and returns a normalised copy without undefined keys.
 */
export function validateFault(input: unknown): Fault {
  if (!isJsonObject(input)) throw new InvalidFaultError('fault must be a JSON object like {"mode":"500"}');
  for (const key of Object.keys(input)) {
    if (!ALLOWED_KEYS.has(key)) throw new InvalidFaultError(`unknown fault field "${key}"`);
  }
  const { mode, delayMs, rate, retryAfter, method } = input;
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new InvalidFaultError(`mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  const fault: Fault = { mode: mode as FaultMode };
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw new InvalidFaultError(`delayMs must be an integer between 0 and ${MAX_DELAY_MS}`);
    }
    fault.delayMs = delayMs;
  }
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new InvalidFaultError('rate must be a number between 0 and 1');
    }
    fault.rate = rate;
  }
  if (retryAfter !== undefined) {
    if (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0) {
      throw new InvalidFaultError('retryAfter must be a non-negative integer (seconds)');
    }
    fault.retryAfter = retryAfter;
  }
  if (method !== undefined) {
    if (typeof method !== 'string' || !HTTP_METHODS.includes(method)) {
      throw new InvalidFaultError(`method must be one of ${HTTP_METHODS.join(', ')}`);
    }
    fault.method = method;
  }
  return fault;
}

/**
 * Holds the current fault and decides, per request, whether it applies.
 *
 * The rate is applied with an accumulator rather than Math.random so tests are
 * exact: rate 0.3 affects precisely 3 of every 10 requests (the 4th, 7th and
 * 10th), evenly spread and never two in a row.
 */
export class FaultInjector {
  private fault: Fault = { mode: 'ok' };
  private rate = 1;
  private acc = 0;

  get current(): Fault {
    return { ...this.fault };
  }

  /** Validates and installs a fault; restarts the rate accumulator. */
  set(input: unknown): Fault {
    const fault = validateFault(input);
    this.fault = fault;
    this.rate = fault.rate ?? (fault.mode === 'flaky' ? DEFAULT_FLAKY_RATE : 1);
    this.acc = 0;
    return { ...fault };
  }

  clear(): void {
    this.fault = { mode: 'ok' };
    this.rate = 1;
    this.acc = 0;
  }

  /**
   * Called once per non-control request: returns the fault to apply to this
   * request, or undefined to answer normally. No allocation on either path.
   * A request of another method than the fault's neither gets it nor counts toward its rate.
   */
  next(method: string): Fault | undefined {
    if (this.fault.mode === 'ok') return undefined;
    if (this.fault.method !== undefined && this.fault.method !== method) return undefined;
    this.acc += this.rate;
    // The epsilon absorbs float drift (0.1 + 0.2 + … must reach 1 on the 10th step).
    if (this.acc >= 1 - 1e-9) {
      this.acc -= 1;
      return this.fault;
    }
    return undefined;
  }
}
