import { describe, expect, it } from 'vitest';
import { createCountWindow } from '../../../src/upstream/count-window.js';

const ok = { failed: false, slow: false };
const failed = { failed: true, slow: false };
const slow = { failed: false, slow: true };

describe('createCountWindow', () => {
  it('opens only once minimumCalls were recorded, and only when more than failureRate failed', () => {
    const window = createCountWindow({ failureRate: 0.5, size: 4, minimumCalls: 4 });
    expect([ok, failed, ok].map((sample) => window.record(sample))).toEqual([false, false, false]);
    expect(window.record(failed)).toBe(false); // 2 of 4: not more than half
    expect(window.record(failed)).toBe(true); // the oldest (ok) left: F O F F
  });

  it('a success never opens it, even when the failure rate is above the threshold', () => {
    const window = createCountWindow({ failureRate: 0.5, size: 4, minimumCalls: 4 });
    for (const sample of [failed, failed, failed]) window.record(sample);
    expect(window.record(ok)).toBe(false);
  });

  it('opens when at least slowCallRate of the calls were slow (equal counts)', () => {
    const window = createCountWindow({ failureRate: 0.5, size: 4, minimumCalls: 4, slowCallRate: 0.5 });
    expect([ok, slow, ok].map((sample) => window.record(sample))).toEqual([false, false, false]);
    expect(window.record(slow)).toBe(true); // 2 of 4 slow
  });

  it('counts a slow failure toward both rates', () => {
    const window = createCountWindow({ failureRate: 0.9, size: 2, minimumCalls: 2, slowCallRate: 1 });
    window.record({ failed: true, slow: true });
    expect(window.record({ failed: true, slow: true })).toBe(true);
  });

  it('slow calls do not open it without a slowCallRate', () => {
    const window = createCountWindow({ failureRate: 0.5, size: 2, minimumCalls: 2 });
    expect([slow, slow, slow].map((sample) => window.record(sample))).toEqual([false, false, false]);
  });

  it('reset() forgets every call', () => {
    const window = createCountWindow({ failureRate: 0.5, size: 3, minimumCalls: 3 });
    window.record(failed);
    window.record(failed);
    window.reset();
    expect(window.record(failed)).toBe(false);
    expect(window.record(failed)).toBe(false);
    expect(window.record(failed)).toBe(true);
  });
});
