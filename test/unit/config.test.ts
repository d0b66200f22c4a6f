import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { DEV_JWT_SECRET, DEV_SYNC_TOKEN_SECRET } from '../../src/config/dev-secrets.js';
import { type GatewayConfig } from '../../src/config/gateway-config.js';
import { type LoadConfigOptions } from '../../src/config/load-config.js';
import { loadAppConfig } from '../../app/gateway-app.js';
import type { ServiceName } from '../../app/gateway-app.js';

const URLS = {
  USERS_URL: 'http://127.0.0.1:4001',
  CATALOG_URL: 'http://127.0.0.1:4002',
  ORDERS_URL: 'http://127.0.0.1:4003',
  RECOMMENDATIONS_URL: 'https://recs.internal:8443/v1',
} as const;

const JWT = 'jwt-secret-0123456789-abcdef-XYZ';
const SYNC = 'sync-secret-0123456789-abcdef-XYZ';
/** The backend URLs and real secrets: what `npm run gateway` needs at the least. */
const ENV = { ...URLS, JWT_SECRET: JWT, SYNC_TOKEN_SECRET: SYNC } as const;

/** Runs loadConfig and returns the ConfigError it throws; fails the test if it does not throw one. */
function problemsOf(env: Record<string, string | undefined>, readFile?: (path: string) => string, options: Omit<LoadConfigOptions, 'services'> = {}): ConfigError {
  try {
    loadAppConfig(env, readFile === undefined ? options : { ...options, readFile });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

function withFile(content: string | object, extra: Record<string, string> = {}): GatewayConfig<ServiceName> {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return loadAppConfig({ ...ENV, GATEWAY_CONFIG: '/etc/gateway.json', ...extra }, { readFile: () => text });
}

function fileProblems(content: string | object, path = '/etc/gateway.json'): ConfigError {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return problemsOf({ ...ENV, GATEWAY_CONFIG: path }, () => text);
}

describe('loadConfig: defaults', () => {
  it('applies every documented default when only the backend URLs are set', () => {
    const config = loadAppConfig({ ...ENV });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('development');
    expect(config.production).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.redisUrl).toBeNull();
    expect(config.requestDeadlineMs).toBe(5_000);
    expect(Object.values(config.services).map((service) => service.halfOpenAfterMs)).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(config.clientRateLimit).toEqual({ max: 600, windowSeconds: 60 });
    expect(config.syncTokenTtlSeconds).toBe(30 * 24 * 3600);
    expect(config.jwtSecret).toBe(JWT);
    expect(config.usingDevSecrets).toBe(false);
  });

  it('gives every service the global timeout/retries and its registry defaults', () => {
    const { services } = loadAppConfig({ ...ENV });
    const common = {
      timeoutMs: 1000,
      retry: { maxRetries: 2, initialDelayMs: 50, maxDelayMs: 500, jitter: 'full', budget: { ratio: 0.2, minPerSecond: 5 } },
      breaker: { kind: 'consecutive', threshold: 5 },
      halfOpenAfterMs: 30_000,
    };
    const bulkhead = { maxConcurrent: 64, maxQueue: 256 };
    expect(services).toEqual({
      users: { ...common, url: URLS.USERS_URL, maxBatchSize: 100, connections: 32, bulkhead, cache: { freshMs: 60_000, staleMs: 3_600_000 } },
      catalog: { ...common, url: URLS.CATALOG_URL, maxBatchSize: 200, connections: 32, bulkhead, cache: { freshMs: 300_000, staleMs: 86_400_000 } },
      orders: { ...common, url: URLS.ORDERS_URL, maxBatchSize: 100, connections: 32, bulkhead, cache: { freshMs: 0, staleMs: 0 } },
      recommendations: {
        ...common,
        url: URLS.RECOMMENDATIONS_URL,
        maxBatchSize: 1,
        connections: 16,
        bulkhead: { maxConcurrent: 32, maxQueue: 64 },
        cache: { freshMs: 30_000, staleMs: 600_000 },
      },
    });
  });

  it('reads explicit values and converts the numeric ones', () => {
    const config = loadAppConfig({
      ...URLS,
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      UPSTREAM_TIMEOUT_MS: '250',
      UPSTREAM_MAX_RETRIES: '0',
      BREAKER_HALF_OPEN_AFTER_MS: '5000',
      CLIENT_RATE_LIMIT: '100/10',
      REDIS_URL: 'redis://cache:6379/0',
      SYNC_TOKEN_TTL_SECONDS: '3600',
      JWT_SECRET: JWT,
      SYNC_TOKEN_SECRET: SYNC,
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('debug');
    expect(config.services.users.halfOpenAfterMs).toBe(5000);
    expect(config.clientRateLimit).toEqual({ max: 100, windowSeconds: 10 });
    expect(config.redisUrl).toBe('redis://cache:6379/0');
    expect(config.syncTokenTtlSeconds).toBe(3600);
    expect(config.jwtSecret).toBe(JWT);
    expect(config.syncTokenSecret).toBe(SYNC);
    expect(config.usingDevSecrets).toBe(false);
    for (const settings of Object.values(config.services)) {
      expect(settings.timeoutMs).toBe(250);
      expect(settings.retry.maxRetries).toBe(0);
    }
  });

  it('cuts slow clients after 10 s of headers and 30 s of request by default, and refuses headers > request', () => {
    expect(loadAppConfig({ ...ENV }).limits).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(fileProblems({ limits: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at limits: headersTimeoutMs must not exceed requestTimeoutMs',
    ]);
  });

  it('accepts PORT=0 (pick a free port) and the edge value 65535', () => {
    expect(loadAppConfig({ ...ENV, PORT: '0' }).port).toBe(0);
    expect(loadAppConfig({ ...ENV, PORT: '65535' }).port).toBe(65535);
  });

  it('falls back to the development secrets only when asked (npm start), naming each secret otherwise', () => {
    const error = problemsOf({ ...URLS });
    expect(error.problems).toEqual([
      'JWT_SECRET: required (at least 32 bytes; only `npm start` falls back to development secrets), or set JWT_JWKS_URL to verify tokens of an identity provider',
      'SYNC_TOKEN_SECRET: required (at least 32 bytes; only `npm start` falls back to development secrets)',
    ]);
    // A typo in NODE_ENV is not production, and still gets no development secrets.
    expect(problemsOf({ ...URLS, NODE_ENV: 'prodution', JWT_SECRET: JWT }).problems).toEqual([
      'SYNC_TOKEN_SECRET: required (at least 32 bytes; only `npm start` falls back to development secrets)',
    ]);
    const demo = loadAppConfig({ ...URLS, JWT_SECRET: JWT }, { allowDevSecrets: true });
    expect(demo.jwtSecret).toBe(JWT);
    expect(demo.syncTokenSecret).toBe(DEV_SYNC_TOKEN_SECRET);
    expect(demo.usingDevSecrets).toBe(true);
    expect(loadAppConfig({ ...URLS }, { allowDevSecrets: true }).jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it('never uses the development secrets in production, even when asked', () => {
    expect(problemsOf({ ...URLS, NODE_ENV: 'production' }, undefined, { allowDevSecrets: true }).problems).toEqual([
      'JWT_SECRET: required when NODE_ENV=production, or set JWT_JWKS_URL to verify tokens of an identity provider',
      'SYNC_TOKEN_SECRET: required when NODE_ENV=production',
    ]);
  });

  // The development secrets are in the source: set by hand (copied from it, or from a
  // demo's environment) they let anyone mint tokens just as the old fallback did.
  it('refuses the public development secrets set explicitly, unless the demo asks for them', () => {
    const error = problemsOf({ ...URLS, JWT_SECRET: DEV_JWT_SECRET, SYNC_TOKEN_SECRET: DEV_SYNC_TOKEN_SECRET });
    expect(error.problems).toEqual([
      'JWT_SECRET: is the public development secret (only `npm start` may use it); set a secret of your own',
      'SYNC_TOKEN_SECRET: is the public development secret (only `npm start` may use it); set a secret of your own',
    ]);
    expect(error.message).not.toContain(DEV_JWT_SECRET);
    expect(problemsOf({ ...URLS, NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET, SYNC_TOKEN_SECRET: SYNC }, undefined, { allowDevSecrets: true }).problems).toEqual([
      'JWT_SECRET: is the public development secret (only `npm start` may use it); set a secret of your own',
    ]);
    const demo = loadAppConfig({ ...URLS, JWT_SECRET: DEV_JWT_SECRET, SYNC_TOKEN_SECRET: DEV_SYNC_TOKEN_SECRET }, { allowDevSecrets: true });
    expect(demo.jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it('refuses secrets shorter than 32 bytes (counted in UTF-8 bytes, not characters)', () => {
    const error = problemsOf({ ...URLS, JWT_SECRET: 'x'.repeat(31), SYNC_TOKEN_SECRET: 'é'.repeat(16) });
    expect(error.problems).toEqual([expect.stringMatching(/^JWT_SECRET: expected at least 32 bytes/)]);
    expect(loadAppConfig({ ...URLS, JWT_SECRET: 'x'.repeat(32), SYNC_TOKEN_SECRET: SYNC }).jwtSecret).toBe('x'.repeat(32));
  });

  it('treats empty strings (and undefined) as unset, so defaults apply', () => {
    const config = loadAppConfig({
      ...URLS,
      PORT: '',
      LOG_LEVEL: '',
      CLIENT_RATE_LIMIT: '',
      UPSTREAM_TIMEOUT_MS: '',
      REDIS_URL: '',
      JWT_SECRET: '',
      GATEWAY_CONFIG: '',
      NODE_ENV: undefined,
    }, { allowDevSecrets: true });
    expect(config.port).toBe(4000);
    expect(config.logLevel).toBe('info');
    expect(config.clientRateLimit).toEqual({ max: 600, windowSeconds: 60 });
    expect(config.services.users.timeoutMs).toBe(1000);
    expect(config.redisUrl).toBeNull();
    expect(config.jwtSecret).toBe(DEV_JWT_SECRET);
    expect(config.nodeEnv).toBe('development');
  });
});

describe('loadConfig: invalid environment', () => {
  it('names all four missing backend URLs at once', () => {
    const error = problemsOf({ JWT_SECRET: JWT, SYNC_TOKEN_SECRET: SYNC });
    expect(error.problems).toHaveLength(4);
    for (const name of ['USERS_URL', 'CATALOG_URL', 'ORDERS_URL', 'RECOMMENDATIONS_URL']) {
      expect(error.problems.some((p) => p.startsWith(`${name}:`) && p.includes('required'))).toBe(true);
      expect(error.message).toContain(name);
    }
  });

  it('treats an empty backend URL as missing', () => {
    const error = problemsOf({ ...ENV, ORDERS_URL: '' });
    expect(error.problems).toEqual(['ORDERS_URL: required (it is not set)']);
  });

  it('ConfigError is an Error with a readable multi-line message', () => {
    const error = problemsOf({ ...ENV, PORT: 'abc' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- PORT: /);
  });

  it.each(['abc', '70000', '-1', '4000.5'])('rejects PORT=%j, naming PORT and the value', (port) => {
    const error = problemsOf({ ...ENV, PORT: port });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^PORT: expected an integer from 0 to 65535/);
    expect(error.problems[0]).toContain(JSON.stringify(port));
  });

  it.each([
    ['not a url'],
    ['ftp://files.example.com'],
    ['127.0.0.1:4001'],
  ])('rejects the malformed URL %j', (url) => {
    const error = problemsOf({ ...ENV, CATALOG_URL: url });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^CATALOG_URL: expected an http\(s\) URL/);
  });

  it('rejects a REDIS_URL that is not redis:// or rediss://', () => {
    const error = problemsOf({ ...ENV, REDIS_URL: 'http://cache:6379' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^REDIS_URL: /);
  });

  it('accepts rediss:// URLs', () => {
    expect(loadAppConfig({ ...ENV, REDIS_URL: 'rediss://cache:6380' }).redisUrl).toBe('rediss://cache:6380');
  });

  it('rejects an unknown LOG_LEVEL and lists the allowed ones', () => {
    const error = problemsOf({ ...ENV, LOG_LEVEL: 'verbose' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent/);
    expect(error.problems[0]).toContain('"verbose"');
  });

  it.each(['10', '0/60', '10/0', '600/60s', '-1/60', '1.5/60', 'a/b'])('rejects CLIENT_RATE_LIMIT=%j', (value) => {
    const error = problemsOf({ ...ENV, CLIENT_RATE_LIMIT: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^CLIENT_RATE_LIMIT: expected <max>\/<seconds>/);
  });

  it('CLIENT_RATE_LIMIT_TIERS: none by default, the tier claim is `tier`', () => {
    const config = loadAppConfig({ ...ENV });
    expect(config.clientRateLimitTiers).toEqual(new Map());
    expect(config.rateLimitTierClaim).toBe('tier');
  });

  it('reads CLIENT_RATE_LIMIT_TIERS as tier=max/seconds, comma-separated, and RATE_LIMIT_TIER_CLAIM', () => {
    const config = loadAppConfig({
      ...ENV,
      CLIENT_RATE_LIMIT_TIERS: 'premium=1200/60, partner=6000/60,free.v2=10/1',
      RATE_LIMIT_TIER_CLAIM: 'https://example.com/plan',
    });
    expect([...config.clientRateLimitTiers]).toEqual([
      ['premium', { max: 1200, windowSeconds: 60 }],
      ['partner', { max: 6000, windowSeconds: 60 }],
      ['free.v2', { max: 10, windowSeconds: 1 }],
    ]);
    expect(config.rateLimitTierClaim).toBe('https://example.com/plan');
  });

  it.each([
    ['premium', '"premium" is not <tier>=<max>/<seconds>'],
    ['premium=1200', '"premium=1200" is not'],
    ['premium=0/60', '"premium=0/60" is not'],
    ['premium=10/60,', '"" is not'],
    ['pre mium=10/60', '"pre mium=10/60" is not'],
    ['premium=10/60,premium=20/60', 'tier premium is given twice'],
  ])('rejects CLIENT_RATE_LIMIT_TIERS=%j, naming the bad entry', (value, why) => {
    const error = problemsOf({ ...ENV, CLIENT_RATE_LIMIT_TIERS: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^CLIENT_RATE_LIMIT_TIERS: expected <tier>=<max>\/<seconds>, comma-separated, e\.g\. premium=1200\/60,partner=6000\/60: /);
    expect(error.problems[0]).toContain(why);
  });

  it('rejects a RATE_LIMIT_TIER_CLAIM with spaces', () => {
    const error = problemsOf({ ...ENV, RATE_LIMIT_TIER_CLAIM: 'my tier' });
    expect(error.problems).toEqual(['RATE_LIMIT_TIER_CLAIM: expected a JWT claim name such as tier or https://example.com/tier (got "my tier")']);
  });

  it.each([
    ['UPSTREAM_TIMEOUT_MS', '0'],
    ['UPSTREAM_TIMEOUT_MS', '120001'],
    ['UPSTREAM_MAX_RETRIES', '11'],
    ['UPSTREAM_MAX_RETRIES', 'many'],
    ['BREAKER_HALF_OPEN_AFTER_MS', '0'],
    ['SYNC_TOKEN_TTL_SECONDS', '59'],
  ])('rejects %s=%j', (name, value) => {
    const error = problemsOf({ ...ENV, [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: expected an integer from`));
  });

  it('reports several bad variables together, one problem each', () => {
    const error = problemsOf({ USERS_URL: URLS.USERS_URL, JWT_SECRET: JWT, SYNC_TOKEN_SECRET: SYNC, PORT: 'abc', LOG_LEVEL: 'loud', CLIENT_RATE_LIMIT: '10' });
    const named = error.problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(named.sort()).toEqual(
      ['CATALOG_URL', 'CLIENT_RATE_LIMIT', 'LOG_LEVEL', 'ORDERS_URL', 'PORT', 'RECOMMENDATIONS_URL'].sort(),
    );
  });

  it('never echoes a secret value, even when it is rejected', () => {
    const jwt = 'tooshort-jwt';
    const sync = 'tooshort-sync';
    const error = problemsOf({ ...ENV, JWT_SECRET: jwt, SYNC_TOKEN_SECRET: sync });
    expect(error.problems).toHaveLength(2);
    expect(error.problems.some((p) => p.startsWith('JWT_SECRET: expected at least 32 bytes'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('SYNC_TOKEN_SECRET: expected at least 32 bytes'))).toBe(true);
    for (const text of [error.message, ...error.problems]) {
      expect(text).not.toContain(jwt);
      expect(text).not.toContain(sync);
    }
  });

  it('in production, requires both JWT_SECRET and SYNC_TOKEN_SECRET, naming both', () => {
    const error = problemsOf({ ...URLS, NODE_ENV: 'production' });
    expect(error.problems).toEqual([
      'JWT_SECRET: required when NODE_ENV=production, or set JWT_JWKS_URL to verify tokens of an identity provider',
      'SYNC_TOKEN_SECRET: required when NODE_ENV=production',
    ]);
  });

  it('in production, names only the missing secret', () => {
    const error = problemsOf({ ...URLS, NODE_ENV: 'production', JWT_SECRET: JWT });
    expect(error.problems).toEqual(['SYNC_TOKEN_SECRET: required when NODE_ENV=production']);
  });

  it('in production, an empty secret counts as missing', () => {
    const error = problemsOf({ ...ENV, NODE_ENV: 'production', JWT_SECRET: '', SYNC_TOKEN_SECRET: SYNC });
    expect(error.problems).toEqual(['JWT_SECRET: required when NODE_ENV=production, or set JWT_JWKS_URL to verify tokens of an identity provider']);
  });

  it('in production with both secrets, loads without dev secrets', () => {
    const config = loadAppConfig({ ...ENV, NODE_ENV: 'production', JWT_SECRET: JWT, SYNC_TOKEN_SECRET: SYNC });
    expect(config.production).toBe(true);
    expect(config.usingDevSecrets).toBe(false);
    expect(config.jwtSecret).toBe(JWT);
    expect(config.syncTokenSecret).toBe(SYNC);
  });

  it('only NODE_ENV=production is production', () => {
    expect(loadAppConfig({ ...ENV, NODE_ENV: 'staging' }).production).toBe(false);
    expect(loadAppConfig({ ...ENV, NODE_ENV: 'test' }).nodeEnv).toBe('test');
  });
});

describe('loadConfig: GATEWAY_CONFIG file', () => {
  it('reads the file named by GATEWAY_CONFIG through the readFile option', () => {
    const paths: string[] = [];
    loadAppConfig(
      { ...ENV, GATEWAY_CONFIG: '/srv/conf/gateway.json' },
      {
        readFile: (path) => {
          paths.push(path);
          return '{}';
        },
      },
    );
    expect(paths).toEqual(['/srv/conf/gateway.json']);
  });

  it('does not read any file without GATEWAY_CONFIG', () => {
    let calls = 0;
    loadAppConfig({ ...ENV }, { readFile: () => (calls++, '{}') });
    expect(calls).toBe(0);
  });

  it('applies per-service overrides and leaves the other services alone', () => {
    const config = withFile(
      {
        services: {
          catalog: { timeoutMs: 300, maxRetries: 0, maxBatchSize: 50, connections: 8, url: 'http://catalog-2:9000' },
          orders: { maxBatchSize: 25 },
        },
      },
      { UPSTREAM_TIMEOUT_MS: '900', UPSTREAM_MAX_RETRIES: '3' },
    );
    expect(config.services.catalog).toMatchObject({
      url: 'http://catalog-2:9000',
      timeoutMs: 300,
      retry: { maxRetries: 0 },
      maxBatchSize: 50,
      connections: 8,
    });
    expect(config.services.orders).toMatchObject({
      url: URLS.ORDERS_URL,
      timeoutMs: 900,
      retry: { maxRetries: 3 },
      maxBatchSize: 25,
      connections: 32,
    });
    expect(config.services.users).toMatchObject({
      url: URLS.USERS_URL,
      timeoutMs: 900,
      retry: { maxRetries: 3 },
      maxBatchSize: 100,
      connections: 32,
    });
  });

  it('accepts an empty object and an empty services object', () => {
    expect(withFile({}).services.users.maxBatchSize).toBe(100);
    expect(withFile({ services: {} }).services.catalog.maxBatchSize).toBe(200);
  });

  it('reads limits.maxSelections and limits.maxOverlaps (defaults 10000 and 2000), integers only', () => {
    expect(withFile({}).limits).toMatchObject({ maxSelections: 10_000, maxOverlaps: 2000 });
    expect(withFile({ limits: { maxSelections: 500, maxOverlaps: 0 } }).limits).toMatchObject({ maxSelections: 500, maxOverlaps: 0 });
    const error = fileProblems({ limits: { maxSelections: 0, maxOverlaps: 1.5 } }, '/cfg/gw.json');
    expect(error.problems).toEqual([
      'GATEWAY_CONFIG /cfg/gw.json at limits.maxSelections: expected an integer from 1 to 10000000',
      'GATEWAY_CONFIG /cfg/gw.json at limits.maxOverlaps: expected an integer from 0 to 100000000',
    ]);
  });

  it('rejects an unknown service name, naming GATEWAY_CONFIG, the path and the key', () => {
    const error = fileProblems({ services: { payments: { timeoutMs: 100 } } }, '/cfg/gw.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG \/cfg\/gw\.json/);
    expect(error.problems[0]).toContain('payments');
  });

  it('rejects an unknown key inside a service', () => {
    const error = fileProblems({ services: { users: { timeout: 100 } } }, '/cfg/gw.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('GATEWAY_CONFIG /cfg/gw.json');
    expect(error.problems[0]).toContain('users');
    expect(error.problems[0]).toContain('timeout');
  });

  it('rejects an unknown top-level key', () => {
    const error = fileProblems({ service: {} }, '/cfg/gw.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('GATEWAY_CONFIG /cfg/gw.json');
    expect(error.problems[0]).toContain('service');
  });

  it.each([
    ['a non-numeric timeoutMs', { timeoutMs: 'fast' }, 'users.timeoutMs'],
    ['a fractional maxBatchSize', { maxBatchSize: 2.5 }, 'users.maxBatchSize'],
    ['an out-of-range connections', { connections: 0 }, 'users.connections'],
    ['a numeric url', { url: 42 }, 'users.url'],
    ['a non-http url', { url: 'ftp://users' }, 'users.url'],
  ])('rejects %s, naming the path and the field', (_label, override, at) => {
    const error = fileProblems({ services: { users: override } }, '/cfg/gw.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG \/cfg\/gw\.json/);
    expect(error.problems[0]).toContain(`at services.${at}`);
  });

  it('rejects a file whose top level is not an object', () => {
    const error = fileProblems('[1, 2]', '/cfg/gw.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG \/cfg\/gw\.json/);
  });

  it('rejects invalid JSON, naming GATEWAY_CONFIG and the path', () => {
    const error = fileProblems('{ "services": ', '/cfg/broken.json');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG: \/cfg\/broken\.json is not valid JSON/);
  });

  it('rejects an unreadable file, naming GATEWAY_CONFIG and the path', () => {
    const error = problemsOf({ ...ENV, GATEWAY_CONFIG: '/nope/missing.json' }, (path) => {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG: \/nope\/missing\.json cannot be read/);
    expect(error.problems[0]).toContain('ENOENT');
  });

  it('reads the real file system by default', () => {
    const error = problemsOf({ ...ENV, GATEWAY_CONFIG: '/definitely/not/here/gateway.json' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^GATEWAY_CONFIG: \/definitely\/not\/here\/gateway\.json cannot be read/);
  });

  it('reports file problems together with the production secret problems', () => {
    const error = problemsOf({ ...URLS, NODE_ENV: 'production', GATEWAY_CONFIG: '/cfg/gw.json' }, () => 'nope');
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toMatch(/^JWT_SECRET: /);
    expect(error.problems[1]).toMatch(/^SYNC_TOKEN_SECRET: /);
    expect(error.problems[2]).toMatch(/^GATEWAY_CONFIG: \/cfg\/gw\.json is not valid JSON/);
  });
});

describe('loadConfig: strict values, every problem at once, nothing secret echoed', () => {
  it.each(['0x10', '1e3', '12.0', '+5', '8080 '])('refuses PORT=%j', (PORT) => {
    expect(() => loadAppConfig({ ...ENV, PORT })).toThrow(/PORT: expected an integer/);
  });

  it('treats a blank variable as unset', () => {
    expect(loadAppConfig({ ...ENV, PORT: '  ' }).port).toBe(4000);
  });

  it.each([
    [{ timeoutMs: '500' }, 'timeoutMs'],
    [{ maxRetries: false }, 'maxRetries'],
    [{ connections: true }, 'connections'],
    [{ maxRetries: null }, 'maxRetries'],
    [{ maxBatchSize: [5] }, 'maxBatchSize'],
  ])('refuses a GATEWAY_CONFIG value of the wrong JSON type: %j', (users, key) => {
    const read = () => JSON.stringify({ services: { users } });
    expect(() => loadAppConfig({ ...ENV, GATEWAY_CONFIG: '/etc/gw.json' }, { readFile: read })).toThrow(
      new RegExp(`GATEWAY_CONFIG /etc/gw.json at services\\.users\\.${key}`),
    );
  });

  it('validates breaker, backoff and bulkhead overrides', () => {
    const load = (users: unknown) =>
      loadAppConfig({ ...ENV, GATEWAY_CONFIG: 'f.json' }, { readFile: () => JSON.stringify({ services: { users } }) });
    expect(load({ breaker: { kind: 'count', failureRate: 0.5, windowSize: 20 } }).services.users.breaker).toEqual({
      kind: 'count',
      failureRate: 0.5,
      windowSize: 20,
      minimumCalls: 20,
    });
    expect(load({ breaker: { kind: 'sampling', failureRate: 0.2, windowMs: 10_000 } }).services.users.breaker).toEqual({
      kind: 'sampling',
      failureRate: 0.2,
      windowMs: 10_000,
      minimumRps: 1,
    });
    expect(load({ bulkhead: { maxConcurrent: 4 }, halfOpenAfterMs: 2000 }).services.users).toMatchObject({
      bulkhead: { maxConcurrent: 4, maxQueue: 256 },
      halfOpenAfterMs: 2000,
    });
    expect(() => load({ breaker: { kind: 'magic' } })).toThrow(/services\.users\.breaker/);
    expect(() => load({ breaker: { kind: 'count', failureRate: 1.5, windowSize: 10 } })).toThrow(/failureRate/);
    expect(() => load({ breaker: { kind: 'count', failureRate: 0.5, windowSize: 10, minimumCalls: 11 } })).toThrow(
      /minimumCalls must not exceed windowSize/,
    );
    expect(() => load({ backoff: { initialDelayMs: 900, maxDelayMs: 100 } })).toThrow(/initialDelayMs must not exceed maxDelayMs/);
  });

  it('reads retry.jitter and retryBudget per service (defaults: full jitter, ratio 0.2 + 5/s)', () => {
    const load = (users: unknown) =>
      loadAppConfig({ ...ENV, GATEWAY_CONFIG: 'f.json' }, { readFile: () => JSON.stringify({ services: { users } }) });
    for (const jitter of ['full', 'equal', 'decorrelated', 'none']) {
      expect(load({ retry: { jitter } }).services.users.retry.jitter).toBe(jitter);
    }
    const tuned = load({ retry: { jitter: 'equal' }, retryBudget: { ratio: 0.1 } });
    expect(tuned.services.users.retry).toEqual({
      maxRetries: 2,
      initialDelayMs: 50,
      maxDelayMs: 500,
      jitter: 'equal',
      budget: { ratio: 0.1, minPerSecond: 5 },
    });
    // Other services keep the defaults.
    expect(tuned.services.catalog.retry).toMatchObject({ jitter: 'full', budget: { ratio: 0.2, minPerSecond: 5 } });
    expect(load({ retryBudget: { minPerSecond: 0.5, ratio: 0 } }).services.users.retry.budget).toEqual({ ratio: 0, minPerSecond: 0.5 });
  });

  it.each([
    [{ retry: { jitter: 'random' } }, 'services.users.retry.jitter: expected one of "full", "equal", "decorrelated", "none"'],
    [{ retry: { jitter: 'none', maxRetries: 1 } }, 'services.users.retry: unknown key(s) maxRetries'],
    [{ retryBudget: { ratio: 1.5 } }, 'services.users.retryBudget.ratio: expected a number from 0 to 1'],
    [{ retryBudget: { ratio: '0.2' } }, 'services.users.retryBudget.ratio: expected a number from 0 to 1'],
    [{ retryBudget: { minPerSecond: -1 } }, 'services.users.retryBudget.minPerSecond: expected a number from 0 to 100000'],
    [{ retryBudget: { windowMs: 1000 } }, 'services.users.retryBudget: unknown key(s) windowMs'],
    [
      { retry: { jitter: 'decorrelated' }, backoff: { initialDelayMs: 0 } },
      'services.users.retry.jitter: "decorrelated" needs backoff.initialDelayMs of at least 1',
    ],
  ])('refuses a bad retry setting at start-up, naming the key: %j', (users, message) => {
    const problems = problemsOf({ ...ENV, GATEWAY_CONFIG: '/etc/gw.json' }, () => JSON.stringify({ services: { users } })).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('reads persistedQueries bounds over their defaults, and refuses bad ones naming the key', () => {
    expect(loadAppConfig({ ...ENV }).persistedQueries.apq).toEqual({
      maxMemoryBytes: 16 * 1024 * 1024,
      maxRedisBytes: 64 * 1024 * 1024,
      unusedTtlMs: 3_600_000,
      usedTtlMs: 86_400_000,
      registrationsPerMinute: 30,
    });
    expect(withFile({ persistedQueries: { maxMemoryBytes: 1_048_576, registrationsPerMinute: 5 } }).persistedQueries.apq).toMatchObject({
      maxMemoryBytes: 1_048_576,
      maxRedisBytes: 64 * 1024 * 1024,
      registrationsPerMinute: 5,
    });
    expect(fileProblems({ persistedQueries: { maxMemoryBytes: '16MiB' } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at persistedQueries.maxMemoryBytes: expected an integer from 1024 to 1073741824',
    ]);
    expect(fileProblems({ persistedQueries: { ttlMs: 1000 } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at persistedQueries: unknown key(s) ttlMs',
    ]);
    expect(fileProblems({ persistedQueries: { unusedTtlMs: 7_200_000, usedTtlMs: 3_600_000 } }).problems).toEqual([
      'GATEWAY_CONFIG at persistedQueries: unusedTtlMs (7200000) must not exceed usedTtlMs (3600000)',
    ]);
  });

  it('never shows URL credentials', () => {
    try {
      loadAppConfig({ ...ENV, REDIS_URL: 'http://user:hunter2@host' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('REDIS_URL');
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('reports production secret problems together with malformed variables', () => {
    try {
      loadAppConfig({ NODE_ENV: 'production', USERS_URL: 'x' });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['USERS_URL', 'CATALOG_URL', 'ORDERS_URL', 'RECOMMENDATIONS_URL', 'JWT_SECRET', 'SYNC_TOKEN_SECRET']) {
        expect(problems).toContain(`${name}:`);
      }
    }
  });
});

describe('loadConfig: breaker half-open trials and slow calls', () => {
  const load = (users: unknown, extra: Record<string, string> = {}) =>
    loadAppConfig({ ...ENV, GATEWAY_CONFIG: 'f.json', ...extra }, { readFile: () => JSON.stringify({ services: { users } }) });
  const problems = (users: unknown, extra: Record<string, string> = {}) =>
    problemsOf({ ...ENV, GATEWAY_CONFIG: 'f.json', ...extra }, () => JSON.stringify({ services: { users } })).problems.join('\n');

  it('takes halfOpenCalls and successThreshold for every kind (the runbook example)', () => {
    expect(
      load({ breaker: { kind: 'consecutive', threshold: 5, halfOpenCalls: 3, successThreshold: 3 }, halfOpenAfterMs: 30_000 }).services.users,
    ).toMatchObject({ breaker: { kind: 'consecutive', threshold: 5, halfOpenCalls: 3, successThreshold: 3 }, halfOpenAfterMs: 30_000 });
    expect(load({ breaker: { kind: 'count', failureRate: 0.5, windowSize: 10, halfOpenCalls: 2 } }).services.users.breaker).toMatchObject({
      halfOpenCalls: 2,
    });
    expect(load({ breaker: { kind: 'sampling', failureRate: 0.5, windowMs: 1000, successThreshold: 4 } }).services.users.breaker).toMatchObject({
      successThreshold: 4,
    });
  });

  it('leaves them unset by default: the breaker lets one trial through and closes on its success', () => {
    const { breaker } = loadAppConfig({ ...ENV }).services.users;
    expect(breaker).toEqual({ kind: 'consecutive', threshold: 5 });
  });

  it.each([
    [{ halfOpenCalls: 0 }, /services\.users\.breaker\.halfOpenCalls: expected an integer from 1 to 1000/],
    [{ successThreshold: 1.5 }, /services\.users\.breaker\.successThreshold: expected an integer from 1 to 1000/],
    [{ halfOpenCalls: '3' }, /services\.users\.breaker\.halfOpenCalls/],
  ])('refuses %j', (bad, message) => {
    expect(problems({ breaker: { kind: 'consecutive', threshold: 5, ...bad } })).toMatch(message);
  });

  it('takes slowCallMs and slowCallRate for the count and sampling kinds', () => {
    const slow = { slowCallMs: 2000, slowCallRate: 0.5 };
    expect(load({ timeoutMs: 5000, breaker: { kind: 'count', failureRate: 0.5, windowSize: 20, ...slow } }).services.users.breaker).toEqual({
      kind: 'count',
      failureRate: 0.5,
      windowSize: 20,
      minimumCalls: 20,
      ...slow,
    });
    expect(load({ timeoutMs: 5000, breaker: { kind: 'sampling', failureRate: 0.5, windowMs: 10_000, ...slow } }).services.users.breaker).toMatchObject(
      slow,
    );
  });

  it('refuses slow calls on the consecutive kind (no window to count them in)', () => {
    expect(problems({ breaker: { kind: 'consecutive', threshold: 5, slowCallMs: 200, slowCallRate: 0.5 } })).toMatch(
      /services\.users\.breaker: unknown key\(s\) slowCallMs, slowCallRate/,
    );
  });

  it('refuses one of slowCallMs and slowCallRate without the other', () => {
    expect(problems({ breaker: { kind: 'count', failureRate: 0.5, windowSize: 10, slowCallMs: 200 } })).toMatch(
      /services\.users\.breaker\.slowCallRate: slowCallMs and slowCallRate go together/,
    );
    expect(problems({ breaker: { kind: 'sampling', failureRate: 0.5, windowMs: 1000, slowCallRate: 0.5 } })).toMatch(
      /services\.users\.breaker\.slowCallRate: slowCallMs and slowCallRate go together/,
    );
  });

  it('refuses a slowCallRate outside (0, 1]', () => {
    expect(problems({ timeoutMs: 5000, breaker: { kind: 'count', failureRate: 0.5, windowSize: 10, slowCallMs: 200, slowCallRate: 0 } })).toMatch(
      /services\.users\.breaker\.slowCallRate: expected a number above 0 and at most 1/,
    );
  });

  it('refuses a slowCallMs not below the timeout, naming both', () => {
    const breaker = { kind: 'count', failureRate: 0.5, windowSize: 10, slowCallMs: 2000, slowCallRate: 0.5 };
    expect(problems({ breaker })).toMatch(/services\.users\.breaker\.slowCallMs: expected less than the service's timeoutMs \(1000\), got 2000/);
    expect(problems({ breaker }, { UPSTREAM_TIMEOUT_MS: '2000' })).toMatch(/timeoutMs \(2000\), got 2000/);
    expect(load({ breaker }, { UPSTREAM_TIMEOUT_MS: '2001' }).services.users.breaker).toMatchObject({ slowCallMs: 2000 });
  });
});

describe('loadConfig: tokens of an identity provider (JWT_JWKS_URL)', () => {
  const JWKS = { JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' } as const;
  const IDP = { ...JWKS, JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: 'mobile-gateway' } as const;

  it('is off by default: HS256 with JWT_SECRET only', () => {
    expect(loadAppConfig({ ...ENV }).jwks).toBeNull();
  });

  it('reads the URL, issuer, audiences and user claim, with the default timings', () => {
    const config = loadAppConfig({ ...ENV, ...IDP, JWT_AUDIENCE: 'mobile-gateway, api://orders', JWT_USER_CLAIM: 'https://example.com/uid' });
    expect(config.jwks).toEqual({
      url: 'https://idp.example.com/.well-known/jwks.json',
      issuer: 'https://idp.example.com/',
      audience: ['mobile-gateway', 'api://orders'],
      userClaim: 'https://example.com/uid',
      timeoutMs: 1000,
      cooldownMs: 10_000,
      maxAgeMs: 600_000,
    });
    expect(config.jwtSecret).toBe(JWT);
    expect(loadAppConfig({ ...ENV, ...JWKS }).jwks).toMatchObject({ issuer: null, audience: null, userClaim: 'sub' });
  });

  it('makes JWT_SECRET optional: without it HS256 is off (null), never the development secret outside the demo', () => {
    const config = loadAppConfig({ ...URLS, SYNC_TOKEN_SECRET: SYNC, ...IDP, NODE_ENV: 'production' });
    expect(config.jwtSecret).toBeNull();
    expect(config.usingDevSecrets).toBe(false);
    expect(loadAppConfig({ ...URLS, SYNC_TOKEN_SECRET: SYNC, ...JWKS }).jwtSecret).toBeNull();
    // The demo keeps its development secret beside the provider (its printed token must work).
    expect(loadAppConfig({ ...URLS, ...JWKS }, { allowDevSecrets: true }).jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it.each(['not a url', 'ftp://idp.example.com/jwks.json', 'file:///etc/jwks.json', '/jwks.json'])('refuses JWT_JWKS_URL=%s, naming it', (url) => {
    expect(problemsOf({ ...ENV, JWT_JWKS_URL: url }).problems).toEqual([
      `JWT_JWKS_URL: expected an http(s) URL such as https://idp.example.com/.well-known/jwks.json (got ${JSON.stringify(url)})`,
    ]);
  });

  it('requires JWT_ISSUER and JWT_AUDIENCE in production, each named', () => {
    expect(problemsOf({ ...ENV, ...JWKS, NODE_ENV: 'production' }).problems).toEqual([
      'JWT_ISSUER: required when NODE_ENV=production and JWT_JWKS_URL is set',
      'JWT_AUDIENCE: required when NODE_ENV=production and JWT_JWKS_URL is set',
    ]);
    expect(problemsOf({ ...ENV, ...JWKS, JWT_ISSUER: 'https://idp.example.com/', NODE_ENV: 'production' }).problems).toEqual([
      'JWT_AUDIENCE: required when NODE_ENV=production and JWT_JWKS_URL is set',
    ]);
    expect(loadAppConfig({ ...ENV, ...IDP, NODE_ENV: 'production' }).jwks).toMatchObject({ audience: ['mobile-gateway'] });
  });

  it('refuses the provider settings without JWT_JWKS_URL: they would check nothing', () => {
    expect(problemsOf({ ...ENV, JWT_ISSUER: 'https://idp.example.com/', JWT_AUDIENCE: 'a', JWT_USER_CLAIM: 'uid' }).problems).toEqual([
      'JWT_ISSUER: only applies to tokens verified with JWT_JWKS_URL, which is not set (got "https://idp.example.com/")',
      'JWT_AUDIENCE: only applies to tokens verified with JWT_JWKS_URL, which is not set (got "a")',
      'JWT_USER_CLAIM: only applies to tokens verified with JWT_JWKS_URL, which is not set (got "uid")',
    ]);
    expect(fileProblems({ jwks: { cooldownMs: 1000 } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at jwks: only applies with JWT_JWKS_URL, which is not set',
    ]);
  });

  it('refuses malformed issuer, audience and claim names', () => {
    const problems = problemsOf({ ...ENV, ...JWKS, JWT_ISSUER: 'has space', JWT_AUDIENCE: 'a,,b', JWT_USER_CLAIM: 'user id' }).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^JWT_ISSUER: expected the issuer as tokens spell it in iss/),
      expect.stringMatching(/^JWT_AUDIENCE: expected comma-separated audiences/),
      expect.stringMatching(/^JWT_USER_CLAIM: expected a JWT claim name/),
    ]);
  });

  it('takes the key-set timings from GATEWAY_CONFIG jwks, the timeout below the request deadline', () => {
    expect(withFile({ jwks: { timeoutMs: 300, cooldownMs: 0, maxAgeMs: 60_000 } }, JWKS).jwks).toMatchObject({
      timeoutMs: 300,
      cooldownMs: 0,
      maxAgeMs: 60_000,
    });
    // The default timeout is also capped at half the request deadline.
    expect(loadAppConfig({ ...ENV, ...JWKS, REQUEST_DEADLINE_MS: '600' }).jwks?.timeoutMs).toBe(300);
    expect(problemsOf({ ...ENV, ...JWKS, GATEWAY_CONFIG: '/etc/gateway.json' }, () => JSON.stringify({ jwks: { timeoutMs: 5000 } })).problems).toEqual([
      'GATEWAY_CONFIG at jwks.timeoutMs: expected less than REQUEST_DEADLINE_MS (5000), got 5000: a request may wait this long for the identity provider\'s keys',
    ]);
    expect(problemsOf({ ...ENV, ...JWKS, GATEWAY_CONFIG: '/etc/gateway.json' }, () => JSON.stringify({ jwks: { timeout: 5 } })).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at jwks: unknown key(s) timeout',
    ]);
  });
});

describe('loadConfig: execution (GATEWAY_EXECUTOR, GATEWAY_CONFIG execution)', () => {
  it('compiles by default, on an operation\'s second run, and keeps 500 compiled operations', () => {
    expect(loadAppConfig({ ...ENV }).execution).toEqual({ executor: 'jit', maxCompiledOperations: 500, compileAfterRuns: 1 });
  });

  it('takes GATEWAY_EXECUTOR=standard and the file\'s bound', () => {
    expect(withFile({ execution: { maxCompiledOperations: 50, compileAfterRuns: 0 } }, { GATEWAY_EXECUTOR: 'standard' }).execution).toEqual({
      executor: 'standard',
      maxCompiledOperations: 50,
      compileAfterRuns: 0,
    });
  });

  it('names a bad executor and a bad bound', () => {
    expect(problemsOf({ ...ENV, GATEWAY_EXECUTOR: 'graphql-jit' }).problems).toEqual(['GATEWAY_EXECUTOR: expected jit or standard (got "graphql-jit")']);
    expect(fileProblems({ execution: { maxCompiledOperations: 0 } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at execution.maxCompiledOperations: expected an integer from 1 to 100000',
    ]);
    expect(fileProblems({ execution: { compileAfterRuns: -1 } }).problems).toEqual([
      'GATEWAY_CONFIG /etc/gateway.json at execution.compileAfterRuns: expected an integer from 0 to 1000',
    ]);
    expect(fileProblems({ execution: { executor: 'jit' } }).problems).toEqual(['GATEWAY_CONFIG /etc/gateway.json at execution: unknown key(s) executor']);
  });
});
