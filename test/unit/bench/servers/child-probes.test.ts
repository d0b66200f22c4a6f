import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startChild } from '../../../../bench/servers/child-process.js';
import type { HeapAfterGc } from '../../../../bench/servers/child-protocol.js';
import { detectPinning } from '../../../../bench/servers/cpu-pinning.js';

describe('benchmark children', () => {
  it('answer the gc probe with the heap they still use after a full collection', async () => {
    const child = await startChild<{ pid: number }>({
      name: 'idle',
      entry: fileURLToPath(new URL('../fixtures/idle-child.ts', import.meta.url)),
      env: {},
      core: 0,
      pinning: detectPinning(true),
      nodeArgs: ['--import', 'tsx'],
    });
    try {
      expect(child.info.pid).toBe(child.pid);
      const first = await child.probe<HeapAfterGc>('gc');
      const second = await child.probe<HeapAfterGc>('gc');
      expect(first.heapUsedMb).toBeGreaterThan(0);
      // Nothing runs in between: a second full collection finds what the first left.
      expect(Math.abs(second.heapUsedMb - first.heapUsedMb)).toBeLessThan(1);
      await expect(child.probe('nope')).rejects.toThrow(/unknown probe "nope"/);
    } finally {
      await child.stop();
    }
  });
});
