import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSamplingWindow } from '../../../src/upstream/sampling-window.js';

const ok = { failed: false, slow: false };
const failed = { failed: true, slow: false };
const slow = { failed: false, slow: true };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2024, 0, 1));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createSamplingWindow', () => {
  it('needs windowMs × minimumRps calls, then opens when more than failureRate failed', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 4 });
    expect([ok, failed, failed].map((sample) => window.record(sample))).toEqual([false, false, false]);
    expect(window.record(failed)).toBe(true); // 3 of 4
  });

  it('minimumRps 0 means no minimum: one failure opens it', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 0 });
    expect(window.record(failed)).toBe(true);
  });

  it('opens when at least slowCallRate of the calls were slow', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 2, slowCallRate: 0.5 });
    window.record(ok);
    expect(window.record(slow)).toBe(true);
  });

  it('forgets calls older than the window, however long ago they were', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 3 });
    window.record(failed);
    window.record(failed);
    // Ten minutes later: cockatiel 3.2.1 advances one bucket per call and would still count both.
    vi.advanceTimersByTime(600_000);
    expect(window.record(failed)).toBe(false);
    expect(window.record(ok)).toBe(false);
    expect(window.record(ok)).toBe(false);
    expect(window.record(failed)).toBe(false); // 2 of 4 in the window
  });

  it('keeps calls of the window while they are younger than windowMs', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 3 });
    window.record(failed);
    vi.advanceTimersByTime(400);
    window.record(failed);
    vi.advanceTimersByTime(400);
    expect(window.record(failed)).toBe(true);
  });

  it('reset() forgets every call', () => {
    const window = createSamplingWindow({ failureRate: 0.5, durationMs: 1000, minimumRps: 2 });
    window.record(failed);
    window.reset();
    expect(window.record(failed)).toBe(false);
    expect(window.record(failed)).toBe(true);
  });
});
