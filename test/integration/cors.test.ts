import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const QUERY = JSON.stringify({ query: '{ product(id: "p1") { id } }' });

async function post(t: TestGateway, origin: string) {
  return fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: QUERY });
}

async function preflight(t: TestGateway, origin: string) {
  return fetch(`${t.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
}

describe('CORS without CORS_ORIGINS (default)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  // yoga's default reflected any Origin with Allow-Credentials: true.
  it('sends no CORS headers: no origin may read answers from a browser', async () => {
    for (const response of [await post(t, 'https://evil.example'), await preflight(t, 'https://evil.example')]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    // The request itself is still served: CORS is the browser's check, not an auth layer.
    expect(((await (await post(t, 'https://evil.example')).json()) as { data: unknown }).data).toEqual({ product: { id: 'p1' } });
  });
});

describe('CORS_ORIGINS with a list of origins', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' });
  });
  afterAll(() => t.close());

  it('allows exactly the listed origins, without credentials', async () => {
    for (const origin of ['https://app.example.com', 'http://localhost:3000']) {
      const response = await post(t, origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    }
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      expect((await post(t, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('answers a preflight from a listed origin with the methods and headers an app sends', async () => {
    const response = await preflight(t, 'https://app.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight(t, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS=*', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CORS_ORIGINS: '*' });
  });
  afterAll(() => t.close());

  it('lets any origin read answers, never with credentials', async () => {
    const response = await post(t, 'https://anywhere.example');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CORS_ORIGINS validation', () => {
  it('refuses values that are not origins, naming the variable', () => {
    for (const value of ['app.example.com', 'https://app.example.com/path', 'javascript:alert(1)']) {
      try {
        loadAppConfig({
          USERS_URL: 'http://127.0.0.1:1',
          CATALOG_URL: 'http://127.0.0.1:1',
          ORDERS_URL: 'http://127.0.0.1:1',
          RECOMMENDATIONS_URL: 'http://127.0.0.1:1',
          JWT_SECRET: 'x'.repeat(32),
          SYNC_TOKEN_SECRET: 'y'.repeat(32),
          CORS_ORIGINS: value,
        });
        expect.unreachable(value);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems[0]).toMatch(/^CORS_ORIGINS: expected \* or comma-separated origins/);
      }
    }
  });
});
