import { execFileSync } from 'node:child_process';
import fs, { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, flushLogger } from '../../../src/observability/create-logger.js';

const dirs: string[] = [];
function logFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-log-'));
  dirs.push(dir);
  return join(dir, 'gateway.log');
}
/** Lines in the file so far; 0 before the writer has opened it. */
const lineCount = (file: string) => (fs.existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts authorization headers, tokens and secrets wherever they are logged', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ headers: { authorization: 'Bearer abc.def.ghi', accept: 'x' }, token: 't1', syncToken: 's1', jwtSecret: 'k' }, 'x');
    logger.child({ requestId: 'r1' }).info({ req: { headers: { authorization: 'Bearer zzz' } } }, 'y');
    expect(lines[0]).toMatchObject({ headers: { authorization: '[redacted]', accept: 'x' }, token: '[redacted]', syncToken: '[redacted]', jwtSecret: '[redacted]' });
    expect(lines[1]).toMatchObject({ requestId: 'r1', req: { headers: { authorization: '[redacted]' } } });
    expect(JSON.stringify(lines)).not.toMatch(/abc\.def|zzz|t1|s1/);
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  describe('the default writer: buffered, never holding a line long', () => {
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('writes lines together once 4 KB are pending, and a lone line within its flush interval', async () => {
      const file = logFile();
      const logger = createLogger({ level: 'info', to: file });
      logger.info({ n: 0 }, 'first');
      // Alone, it waits for more lines or the periodic flush (100 ms).
      await vi.waitFor(() => expect(lineCount(file)).toBe(1), { timeout: 2000, interval: 10 });
      for (let n = 1; n <= 100; n += 1) logger.info({ n, padding: 'x'.repeat(60) }, 'more');
      // ~100 bytes a line: the 4 KB buffer filled and went out without waiting for the timer.
      await vi.waitFor(() => expect(lineCount(file)).toBeGreaterThanOrEqual(41), { timeout: 50, interval: 1 });
      flushLogger(logger);
      await vi.waitFor(() => expect(lineCount(file)).toBe(101), { timeout: 2000, interval: 10 });
    });

    it('lines logged over many event-loop turns go out in one write, not one write each', async () => {
      const file = logFile();
      const logger = createLogger({ level: 'info', to: file });
      logger.info('open');
      await vi.waitFor(() => expect(lineCount(file)).toBe(1), { timeout: 2000, interval: 10 });
      const writes = vi.spyOn(fs, 'write');
      try {
        // As requests log: one line per turn of the event loop, 20 × ~110 bytes < 4 KB.
        for (let n = 0; n < 20; n += 1) {
          logger.info({ n, padding: 'x'.repeat(40) }, 'request');
          await new Promise((resolve) => setImmediate(resolve));
        }
        await vi.waitFor(() => expect(lineCount(file)).toBe(21), { timeout: 2000, interval: 10 });
        expect(writes.mock.calls.length).toBeLessThanOrEqual(2);
      } finally {
        writes.mockRestore();
      }
    });

    it('writes out what is pending on stdout when the process exits', () => {
      const moduleUrl = new URL('../../../src/observability/create-logger.ts', import.meta.url).href;
      // Buffered, and the process exits before the periodic flush could run.
      const script = `import { createLogger } from ${JSON.stringify(moduleUrl)};
const logger = createLogger({ level: 'info' });
logger.info('before exit');
process.exit(0);`;
      const root = fileURLToPath(new URL('../../..', import.meta.url));
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
      expect(stdout).toContain('"msg":"before exit"');
    });
  });
});
