import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const OPS_TOKEN = 'ops-token-0123456789abcdef';
const PRIVATE = ['/metrics', '/health/detailed'];
const PROBES = ['/health', '/health/ready'];

const statusOf = async (url: string, headers: Record<string, string> = {}) => (await fetch(url, { headers })).status;

describe('operations endpoints without OPS_PORT or OPS_TOKEN (development default)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('serves metrics, details and probes on the public port', async () => {
    for (const path of [...PRIVATE, ...PROBES]) expect(await statusOf(`${t.url}${path}`), path).toBe(200);
    expect(t.opsUrl).toBeUndefined();
  });
});

describe('OPS_TOKEN: metrics and details need the bearer token', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPS_TOKEN });
  });
  afterAll(() => t.close());

  it('refuses /metrics and /health/detailed without the token, or with a wrong one, with 401', async () => {
    for (const path of PRIVATE) {
      const anonymous = await fetch(`${t.url}${path}`);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = await anonymous.text();
      // Nothing of what the endpoint shows leaks into the refusal.
      expect(body).not.toMatch(/breaker|version|gateway_/);
      expect(await statusOf(`${t.url}${path}`, { authorization: `Bearer ${OPS_TOKEN}x` }), path).toBe(401);
      expect(await statusOf(`${t.url}${path}`, { authorization: OPS_TOKEN }), path).toBe(401);
    }
  });

  it('answers with the token', async () => {
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('gateway_circuit_breaker_state');
    const details = await fetch(`${t.url}/health/detailed`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(((await details.json()) as { services: Record<string, unknown> }).services).toHaveProperty('catalog');
  });

  it('keeps the liveness and readiness probes open', async () => {
    for (const path of PROBES) expect(await statusOf(`${t.url}${path}`), path).toBe(200);
  });
});

describe('OPS_PORT: metrics and details move to their own listener', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPS_PORT: '0', OPS_TOKEN });
  });
  afterAll(() => t.close());

  it('the public port no longer serves /metrics or /health/detailed, only the probes and GraphQL', async () => {
    for (const path of PRIVATE) expect(await statusOf(`${t.url}${path}`, { authorization: `Bearer ${OPS_TOKEN}` }), path).toBe(404);
    for (const path of PROBES) expect(await statusOf(`${t.url}${path}`), path).toBe(200);
    const { body } = await t.gql('{ product(id: "p1") { id } }');
    expect(body.data).toEqual({ product: { id: 'p1' } });
  });

  it('the ops port serves them (with the token when one is set), and nothing else', async () => {
    expect(t.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.opsUrl).not.toBe(t.url);
    const metrics = await fetch(`${t.opsUrl}/metrics`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('gateway_circuit_breaker_state');
    expect(await statusOf(`${t.opsUrl}/metrics`)).toBe(401);
    for (const path of PROBES) expect(await statusOf(`${t.opsUrl}${path}`), path).toBe(200);
    const graphql = await fetch(`${t.opsUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(404);
  });

  it('closes the ops listener with the gateway', async () => {
    const extra = await startTestGateway({ OPS_PORT: '0' });
    const opsUrl = extra.opsUrl!;
    expect(await statusOf(`${opsUrl}/metrics`)).toBe(200);
    await extra.close();
    await expect(fetch(`${opsUrl}/health`)).rejects.toThrow();
  });
});
