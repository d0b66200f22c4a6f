import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from '../../../src/upstream/parse-retry-after.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0); // Mon, 01 Jan 2024 12:00:00 GMT

describe('parseRetryAfter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['7', 7],
    ['120', 120],
    ['3600', 3600],
    [' 7 ', 7],
    ['007', 7],
  ])('reads delta-seconds %j as %i', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('reads an HTTP date as whole seconds from now', () => {
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:05:00 GMT', NOW)).toBe(300);
  });

  it('rounds a fractional distance to a date up', () => {
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:00:10 GMT', NOW + 500)).toBe(10); // 9.5 s → 10
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:00:10 GMT', NOW + 999)).toBe(10); // 9.001 s → 10
  });

  it('a date equal to now or in the past is 0', () => {
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 11:59:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', NOW)).toBe(0);
  });

  it('uses Date.now() when no now is given', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:01:00 GMT')).toBe(60);
  });

  it.each([undefined, '', 'soon', 'tomorrow', '7 seconds', '12abc', '0x10', '1e3', '   '])(
    'is undefined for an absent or unreadable value %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  it('caps delta-seconds at maxSeconds (default one hour)', () => {
    expect(parseRetryAfter('3601', NOW)).toBe(3600);
    expect(parseRetryAfter('86400', NOW)).toBe(3600);
    expect(parseRetryAfter('99999999999999999999999', NOW)).toBe(3600);
  });

  it('caps a far-away date at maxSeconds', () => {
    expect(parseRetryAfter('Tue, 02 Jan 2024 12:00:00 GMT', NOW)).toBe(3600);
    expect(parseRetryAfter('Mon, 01 Jan 2024 12:05:00 GMT', NOW, 60)).toBe(60);
  });

  it('honours a custom maxSeconds', () => {
    expect(parseRetryAfter('30', NOW, 10)).toBe(10);
    expect(parseRetryAfter('5', NOW, 10)).toBe(5);
    expect(parseRetryAfter('5', NOW, 0)).toBe(0);
  });

  it('reads the first value of an array header', () => {
    expect(parseRetryAfter(['12', '99'], NOW)).toBe(12);
    expect(parseRetryAfter(['Mon, 01 Jan 2024 12:00:20 GMT', '1'], NOW)).toBe(20);
    expect(parseRetryAfter(['garbage', '5'], NOW)).toBeUndefined();
  });

  it('an empty array header is undefined', () => {
    expect(parseRetryAfter([], NOW)).toBeUndefined();
  });
});

describe('parseRetryAfter: only delta-seconds and IMF-fixdate', () => {
  it.each(['1.5', '-5', 'abc 12', 'in 5', 'Sunday, 06-Nov-94 08:49:37 GMT'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
