/**
 * Optional CPU pinning with `taskset` (util-linux): the server under test gets
 * core 0 to itself, the backends and the load generator (this process) share
 * core 1, so the load generator never steals the server's CPU. Without taskset,
 * or with fewer than two cores, everything runs unpinned and the report says so.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

export interface Pinning {
  readonly enabled: boolean;
  /** What was done, or why pinning is off. */
  readonly description: string;
  /**
   * Moves every thread of process `pid` (libuv pool, GC helpers, not only the main
   * thread) to `core`; threads it starts later inherit the affinity.
   */
  pin(pid: number, core: number): void;
}

export function detectPinning(disabled: boolean): Pinning {
  let reason = '';
  if (disabled) reason = 'disabled with --no-pin';
  else if (availableParallelism() < 2) reason = 'fewer than 2 cores';
  else {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    } catch {
      reason = 'taskset not found';
    }
  }
  const enabled = reason === '';
  return {
    enabled,
    description: enabled
      ? `taskset: the server under test on core ${SERVER_CORE}, the backends and the load generator on core ${LOAD_CORE}`
      : `not pinned (${reason})`,
    pin(pid, core) {
      if (enabled) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    },
  };
}
