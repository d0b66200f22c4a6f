import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver, type Semver } from '../../../src/edge/semver.js';

const v = (text: string): Semver => {
  const parsed = parseSemver(text);
  if (parsed === null) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('parseSemver / compareSemver', () => {
  it('orders the example chain of semver.org §11', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 0; i < chain.length - 1; i += 1) {
      expect(compareSemver(v(chain[i]!), v(chain[i + 1]!)), `${chain[i]} < ${chain[i + 1]}`).toBeLessThan(0);
      expect(compareSemver(v(chain[i + 1]!), v(chain[i]!))).toBeGreaterThan(0);
    }
  });

  it('compares numbers as numbers, a pre-release below its release, and ignores build metadata', () => {
    expect(compareSemver(v('1.10.0'), v('1.9.9'))).toBeGreaterThan(0);
    expect(compareSemver(v('2.0.0'), v('10.0.0'))).toBeLessThan(0);
    expect(compareSemver(v('1.2.0-beta.1'), v('1.2.0'))).toBeLessThan(0);
    expect(compareSemver(v('1.2.0-beta.1'), v('1.1.9'))).toBeGreaterThan(0);
    expect(compareSemver(v('1.2.3+456'), v('1.2.3'))).toBe(0);
    expect(compareSemver(v('1.2.3-1'), v('1.2.3-rc'))).toBeLessThan(0);
    // Larger than any JavaScript number holds exactly.
    expect(compareSemver(v('1.2.99999999999999999999'), v('1.2.99999999999999999998'))).toBeGreaterThan(0);
  });

  it('refuses what is not a strict semantic version', () => {
    for (const text of ['1.2', '1', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', '1.2.3 (45)', '2024.01.05.3', 'abc', '', ' 1.2.3', '1.2.3.4']) {
      expect(parseSemver(text), text).toBeNull();
    }
  });
});
