import { describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_URL, MANY_CLIENTS_RATE, parseSettings, type BenchSettings } from '../../../bench/settings.js';

function settings(argv: string[], env: Record<string, string> = {}): BenchSettings {
  const parsed = parseSettings(argv, env);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

describe('parseSettings', () => {
  it('full run: 2,000 rotating viewers and 20,000 many clients, Redis at the default URL', () => {
    expect(settings([])).toMatchObject({
      mode: 'full',
      viewers: 2000,
      manyClients: { viewers: 20_000, rate: MANY_CLIENTS_RATE },
      redisUrl: DEFAULT_REDIS_URL,
      backendLatenciesMs: [0, 5],
    });
  });

  it('quick run: every scenario at a small scale', () => {
    const quick = settings(['--quick']);
    expect(quick).toMatchObject({ mode: 'quick', viewers: 500, manyClients: { viewers: 1000 }, backendLatenciesMs: [0], rounds: 1 });
    expect(quick.redisUrl).toBe(DEFAULT_REDIS_URL);
  });

  it('BENCH_REDIS_URL replaces the default; --no-redis turns the Redis scenario off', () => {
    expect(settings([], { BENCH_REDIS_URL: 'redis://10.0.0.5:6380' }).redisUrl).toBe('redis://10.0.0.5:6380');
    expect(settings([], { BENCH_REDIS_URL: '' }).redisUrl).toBe(DEFAULT_REDIS_URL);
    expect(settings(['--no-redis'], { BENCH_REDIS_URL: 'redis://10.0.0.5:6380' }).redisUrl).toBeNull();
  });

  it('runs the gateway compiled unless --executor=standard', () => {
    expect(settings([]).executor).toBe('jit');
    expect(settings(['--quick', '--executor=standard']).executor).toBe('standard');
  });

  it('refuses unknown options and answers --help', () => {
    expect(() => parseSettings(['--viewers=10'])).toThrow(/unknown option/);
    expect(parseSettings(['--help'])).toBe('help');
  });
});
