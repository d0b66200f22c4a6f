import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/create-logger.js';

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
});
