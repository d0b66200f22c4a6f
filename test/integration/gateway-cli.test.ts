import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceBackends, type ReferenceBackends } from '../../backends/start-reference-backends.js';
import { DEV_JWT_SECRET, DEV_SYNC_TOKEN_SECRET } from '../../src/config/dev-secrets.js';
import { signDevToken } from '../../src/edge/sign-dev-token.js';
import { serviceUrlEnv } from '../../app/gateway-app.js';

const ROOT = new URL('../../', import.meta.url);

/** Runs `app/main.ts` as `npm run gateway` does (tsx), with exactly this environment. */
function runGateway(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stderr: () => stderr };
}

describe('npm run gateway', () => {
  let backends: ReferenceBackends;
  beforeAll(async () => {
    backends = await startReferenceBackends();
  });
  afterAll(() => backends.close());

  it('exits non-zero naming every missing or malformed variable', async () => {
    const { child, stderr } = runGateway({ PORT: 'abc', CATALOG_URL: 'not a url', LOG_LEVEL: 'loud' });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    for (const name of ['PORT', 'USERS_URL', 'CATALOG_URL', 'ORDERS_URL', 'RECOMMENDATIONS_URL', 'LOG_LEVEL']) {
      expect(stderr()).toContain(`${name}:`);
    }
  });

  it('in production, refuses to start without JWT_SECRET and SYNC_TOKEN_SECRET', async () => {
    const { child, stderr } = runGateway({
      NODE_ENV: 'production',
      ...serviceUrlEnv(backends.urls),
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr()).toContain('JWT_SECRET: required when NODE_ENV=production');
    expect(stderr()).toContain('SYNC_TOKEN_SECRET: required when NODE_ENV=production');
  });

  // A typo in NODE_ENV used to fall back silently to the public development secrets,
  // with which anyone can mint a token for any user.
  it.each(['prodution', 'staging', 'development', 'test', '(unset)'])('refuses to start without real secrets when NODE_ENV=%s', async (nodeEnv) => {
    const { child, stderr } = runGateway({ ...(nodeEnv === '(unset)' ? {} : { NODE_ENV: nodeEnv }), ...serviceUrlEnv(backends.urls) });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr()).toMatch(/JWT_SECRET: required \(at least 32 bytes/);
    expect(stderr()).toMatch(/SYNC_TOKEN_SECRET: required \(at least 32 bytes/);
  });

  it('refuses the public development secrets set by hand, without echoing them', async () => {
    const { child, stderr } = runGateway({ PORT: '0', JWT_SECRET: DEV_JWT_SECRET, SYNC_TOKEN_SECRET: DEV_SYNC_TOKEN_SECRET, ...serviceUrlEnv(backends.urls) });
    // A gateway that started anyway would never exit by itself.
    const started = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(started);
    expect(code).toBe(2);
    expect(stderr()).toContain('JWT_SECRET: is the public development secret');
    expect(stderr()).toContain('SYNC_TOKEN_SECRET: is the public development secret');
    expect(stderr()).not.toContain(DEV_JWT_SECRET);
  });

  it('refuses a malformed JWT_JWKS_URL, and in production a provider without JWT_ISSUER and JWT_AUDIENCE, with exit 2', async () => {
    const { child, stderr } = runGateway({
      NODE_ENV: 'production',
      JWT_JWKS_URL: 'ftp://idp.example.com/jwks.json',
      SYNC_TOKEN_SECRET: 'cli-test-sync-secret-0123456789abcdef',
      ...serviceUrlEnv(backends.urls),
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr()).toContain('JWT_JWKS_URL: expected an http(s) URL');
    expect(stderr()).toContain('JWT_ISSUER: required when NODE_ENV=production and JWT_JWKS_URL is set');
    expect(stderr()).toContain('JWT_AUDIENCE: required when NODE_ENV=production and JWT_JWKS_URL is set');
    // With a provider, JWT_SECRET is optional (HS256 off without it).
    expect(stderr()).not.toContain('JWT_SECRET');
  });

  it('refuses secrets shorter than 32 bytes, without echoing them', async () => {
    const { child, stderr } = runGateway({
      JWT_SECRET: 'sixteen-chars-ok-but-31-bytes-x',
      SYNC_TOKEN_SECRET: 'short-sync-secret-0123456789abc',
      ...serviceUrlEnv(backends.urls),
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr()).toContain('JWT_SECRET: expected at least 32 bytes');
    expect(stderr()).toContain('SYNC_TOKEN_SECRET: expected at least 32 bytes');
    expect(stderr()).not.toContain('sixteen-chars-ok');
  });

  it('with the four backend URLs, serves the schema against backends it did not start, and drains on SIGTERM', async () => {
    const secret = 'cli-test-secret-0123456789abcdef';
    const { child } = runGateway({
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: secret,
      SYNC_TOKEN_SECRET: 'cli-test-sync-secret-0123456789abcdef',
      ...serviceUrlEnv(backends.urls),
    });
    let url = '';
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'gateway listening') {
        url = entry.url!;
        break;
      }
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken('u5', secret)}` },
      body: JSON.stringify({ query: '{ viewer { id } product(id: "p5") { id } }' }),
    });
    expect(await response.json()).toEqual({ data: { viewer: { id: 'u5' }, product: { id: 'p5' } } });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });
});
