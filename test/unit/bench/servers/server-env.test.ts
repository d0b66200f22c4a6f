import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGatewayConfigFile } from '../../../../bench/servers/gateway-config-file.js';
import { readBaselineSettings } from '../../../../bench/servers/baseline-settings.js';
import { baselineEnv, serverEnv } from '../../../../bench/servers/server-env.js';
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

describe('the environment of the servers', () => {
  it("points every server at the backends through the app's own URL variables", () => {
    const config = loadAppConfig(serverEnv(urls, { holdBreakersOpen: true, executor: 'standard' }));
    expect(Object.fromEntries(Object.entries(config.services).map(([name, service]) => [name, service.url]))).toEqual(urls);
    expect(config.execution.executor).toBe('standard');
  });

  it("hands the hand-written BFF the gateway's own pool sizes, call timeouts, fresh TTLs and body limit", () => {
    const env = serverEnv(urls);
    const settings = readBaselineSettings(baselineEnv(env));
    const config = loadAppConfig(env);
    for (const name of ['users', 'catalog', 'orders', 'recommendations'] as const) {
      const service = config.services[name];
      expect(settings.backends[name], name).toEqual({ url: urls[name], connections: service.connections, timeoutMs: service.timeoutMs, freshMs: service.cache.freshMs });
    }
    expect(settings.maxBodyBytes).toBe(config.limits.maxBodyBytes);
    // What the baseline ran with when these numbers were copied by hand.
    expect(settings).toEqual({
      backends: {
        users: { url: urls.users, connections: 32, timeoutMs: 1000, freshMs: 60_000 },
        catalog: { url: urls.catalog, connections: 32, timeoutMs: 1000, freshMs: 300_000 },
        orders: { url: urls.orders, connections: 32, timeoutMs: 1000, freshMs: 0 },
        recommendations: { url: urls.recommendations, connections: 16, timeoutMs: 1000, freshMs: 30_000 },
      },
      maxBodyBytes: 64 * 1024,
    });
    // The rest of its environment is the gateway's.
    expect(baselineEnv(env)).toMatchObject(env);
  });

  it('the baseline refuses to start without its settings', () => {
    expect(() => readBaselineSettings(serverEnv(urls))).toThrow(/BENCH_BASELINE_SETTINGS is required/);
  });
});
