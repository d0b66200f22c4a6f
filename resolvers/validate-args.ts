import { badUserInput } from '../src/index.js';

/**
 * An integer argument within bounds, or BAD_USER_INPUT naming the argument. A
 * client may send an explicit null for an argument with a default, so null falls
 * back to the default here.
 */
export function intInRange(name: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badUserInput(`${name} must be between ${min} and ${max}`, { argument: name, min, max, actual: n });
  }
  return n;
}
