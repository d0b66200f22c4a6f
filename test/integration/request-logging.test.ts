import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

describe('one request through the logs', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '1' }, { cache: false });
  });
  afterAll(() => t.close());

  it('carries the same request id in the response, the backend calls and every log line of the request', async () => {
    t.backends.recommendations.setFault({ mode: '503' });
    const token = await t.token('u1');
    const { headers } = await t.gql('query HomeScreen { viewer { id } recommendations(first: 1) { id } }', {
      authorization: `Bearer ${token}`,
      headers: { 'x-request-id': 'trace-42' },
    });
    t.backends.recommendations.clearFault();

    expect(headers.get('x-request-id')).toBe('trace-42');
    const backendCalls = [...t.backends.users.requests, ...t.backends.recommendations.requests];
    expect(backendCalls.length).toBe(3);
    expect(backendCalls.every((call) => call.headers['x-request-id'] === 'trace-42')).toBe(true);

    const lines = t.logs.filter((line) => line.requestId === 'trace-42');
    const access = lines.find((line) => line.msg === 'request');
    expect(access).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      operationName: 'HomeScreen',
      status: 200,
      viewerId: 'u1',
      errors: 1,
      durationMs: expect.any(Number),
    });
    expect(lines.find((line) => line.msg === 'retrying upstream call')).toMatchObject({
      level: 40,
      service: 'recommendations',
      attempt: 1,
      reason: 'status',
      status: 503,
    });
    expect(lines.find((line) => line.msg === 'upstream failure reached the client')).toMatchObject({
      level: 50,
      service: 'recommendations',
      kind: 'status',
      status: 503,
      path: ['recommendations'],
    });
    // The bearer token appears in no log line.
    expect(JSON.stringify(t.logs)).not.toContain(token);
  });

  it('logs an access line for requests that never reach execution', async () => {
    await t.gql('{ nope }', { headers: { 'x-request-id': 'bad-query-1' } });
    expect(t.logs.find((line) => line.requestId === 'bad-query-1' && line.msg === 'request')).toMatchObject({ status: 400, errors: 1 });
  });
});

describe('health endpoints', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { cache: false });
  });
  afterAll(() => t.close());

  const get = async (path: string) => {
    const response = await fetch(`${t.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('/health/detailed shows each backend from real traffic, Redis, version and uptime; probes call no backend', async () => {
    t.backends.catalog.setFault({ mode: 'garbage' });
    await t.gql('{ product(id: "p1") { id } viewer { id } }', { as: 'u1' });
    t.backends.catalog.clearFault();
    t.resetBackendStats();
    for (let i = 0; i < 5; i += 1) await get('/health/detailed');
    expect(t.backends.users.stats().requests + t.backends.catalog.stats().requests).toBe(0);

    const { status, body } = await get('/health/detailed');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', version: '0.1.0', uptimeSeconds: expect.any(Number), redis: 'disabled' });
    const services = body.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual(['catalog', 'orders', 'recommendations', 'users']);
    expect(services.catalog).toEqual({
      breaker: 'closed',
      retryAfterSeconds: null,
      consecutiveFailures: 1,
      lastLatencyMs: expect.any(Number),
      lastErrorKind: 'bad_body',
      lastErrorAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(services.users).toMatchObject({ breaker: 'closed', consecutiveFailures: 0, lastErrorKind: null, lastLatencyMs: expect.any(Number) });
    expect(services.orders).toMatchObject({ lastLatencyMs: null });
  });

  it('/health is alive and /health/ready turns 503 once the instance drains', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    t.gateway.drain();
    expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'not_ready', reason: 'shutting down' } });
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
