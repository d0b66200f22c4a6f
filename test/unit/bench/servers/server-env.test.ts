import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGatewayConfigFile } from '../../../../bench/servers/gateway-config-file.js';
import { serverEnv } from '../../../../bench/servers/server-env.js';
import { loadAppConfig } from '../../../../app/gateway-app.js';

const urls = { users: 'http://127.0.0.1:1', catalog: 'http://127.0.0.1:2', orders: 'http://127.0.0.1:3', recommendations: 'http://127.0.0.1:4' };

describe('the servers of the benchmark run with the production defaults', () => {
  it('no limit relaxed: the default per-client limit, the schema field limits, LOG_LEVEL=info, no Redis', () => {
    const config = loadAppConfig(serverEnv(urls));
    expect(config.production).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.clientRateLimit).toEqual({ max: 600, windowSeconds: 60 });
    expect(config.fieldRateLimits).toEqual({});
    expect(config.redisUrl).toBeNull();
    expect(config.services.catalog.halfOpenAfterMs).toBe(30_000);
  });

  it('only the hung phase holds opened breakers open (so one stays open while it is measured)', () => {
    const config = loadAppConfig(serverEnv(urls, { holdBreakersOpen: true }));
    expect(config.services.recommendations.halfOpenAfterMs).toBe(600_000);
  });

  it('the Redis scenario adds REDIS_URL and a GATEWAY_CONFIG that only sets the key prefix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    // The longest prefix bench-redis.ts makes: bench-<8 hex>-<server><latency>.
    const keyPrefix = 'bench-0123abcd-baseline100';
    const file = writeGatewayConfigFile(dir, 'gateway', keyPrefix);
    const config = loadAppConfig(serverEnv(urls, { redisUrl: 'redis://127.0.0.1:6379', gatewayConfigFile: file }));
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.cache).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', keyPrefix });
    expect(config.clientRateLimit).toEqual({ max: 600, windowSeconds: 60 });
    expect(config.fieldRateLimits).toEqual({});
  });
});
