import { describe, expect, it } from 'vitest';
import { parseRequestTimeout, requestTimeoutValue } from '../../../src/upstream/request-timeout-header.js';

describe('parseRequestTimeout: a client budget, or nothing', () => {
  it.each([
    ['250', 250],
    ['1', 1],
    [' 800 ', 800],
    ['0300', 300],
    ['999999999', 999_999_999],
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseRequestTimeout(value)).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['0'],
    ['-5'],
    ['1.5'],
    ['1e3'],
    ['0x10'],
    ['+100'],
    ['100ms'],
    ['abc'],
    ['1000000000'],
    ['99999999999999999999999999'],
    ['100, 200'],
    ['100,200'],
  ])('ignores %j', (value) => {
    expect(parseRequestTimeout(value)).toBeUndefined();
  });
});

describe('requestTimeoutValue: what a backend attempt is told', () => {
  const now = 1_000_000;

  it('is the time left before the deadline, in whole milliseconds rounded down', () => {
    expect(requestTimeoutValue(now + 250.9, 1000, now)).toBe('250');
  });

  it("is capped by the attempt's own timeout: the gateway stops waiting then", () => {
    expect(requestTimeoutValue(now + 5000, 1000, now)).toBe('1000');
  });

  it('is at least 1, even at or past the deadline', () => {
    expect(requestTimeoutValue(now + 0.5, 1000, now)).toBe('1');
    expect(requestTimeoutValue(now, 1000, now)).toBe('1');
    expect(requestTimeoutValue(now - 50, 1000, now)).toBe('1');
  });
});
