import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

// One request scope per HTTP request, built where the request arrives: its id, viewer,
// client, deadline and logger are the same wherever the request is seen.

const QUERY = '{ viewer { id } recommendations(first: 1) { id } }';

describe('one request scope', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // One recommendations call at a time and no queue: a call still holding the slot
    // refuses the next at once (bulkhead_full).
    t = await startTestGateway(
      { REQUEST_DEADLINE_MS: '10000', UPSTREAM_TIMEOUT_MS: '8000', UPSTREAM_MAX_RETRIES: '0' },
      { cache: false, gatewayConfig: { services: { recommendations: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } } } } },
    );
  });
  afterAll(() => t.close());

  it('the request id, viewer and client of one request are the same in the response, the access log, the backend calls and the metrics', async () => {
    const answer = await t.gql(QUERY, {
      as: 'u7',
      headers: { 'x-request-id': 'scope-check-1', 'apollographql-client-name': 'scope-app', 'apollographql-client-version': '3.1.4' },
    });
    expect(answer.body.data).toEqual({ viewer: { id: 'u7' }, recommendations: [{ id: expect.any(String) }] });
    expect(answer.headers.get('x-request-id')).toBe('scope-check-1');
    const calls = [...t.backends.users.requests, ...t.backends.recommendations.requests].filter((call) => call.headers['x-request-id'] === 'scope-check-1');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.headers['x-user-id']).toBe('u7');
    const line = t.logs.find((entry) => entry.msg === 'request' && entry.requestId === 'scope-check-1');
    expect(line).toMatchObject({ viewerId: 'u7', clientName: 'scope-app', clientVersion: '3.1.4', status: 200 });
    const metrics = await t.gateway.registry.metrics();
    expect(metrics).toMatch(/graphql_envelop_request_total\{[^}]*client_name="scope-app",client_version="3\.1\.4"\} 1/);
  });

  it('a client that hangs up ends its request: its hung backend call is cancelled and frees the only bulkhead slot', async () => {
    t.backends.recommendations.setFault({ mode: 'hang' });
    t.resetBackendStats();
    const token = await t.token('u1');
    const body = JSON.stringify({ query: QUERY });
    const gone = request(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
    });
    gone.on('error', () => undefined);
    gone.end(body);
    // The call holds the bulkhead's only slot, against a backend that never answers.
    await t.backends.recommendations.waitForRequests(1);
    gone.destroy();
    t.backends.recommendations.setFault({ mode: 'ok' });
    // Had the hung call outlived its client (until the 8 s attempt timeout), this request
    // would be refused with bulkhead_full: the slot is free as soon as the hang-up is seen.
    await expect
      .poll(async () => (await t.gql(QUERY, { as: 'u2' })).body, { timeout: 5000, interval: 50 })
      .toEqual({ data: { viewer: { id: 'u2' }, recommendations: [{ id: expect.any(String) }] } });
    // A call the client's hang-up cancelled is not the backend's failure.
    const health = (await (await fetch(`${t.url}/health/detailed`)).json()) as { services: Record<string, { consecutiveFailures: number; breaker: string }> };
    expect(health.services.recommendations).toMatchObject({ consecutiveFailures: 0, breaker: 'closed' });
  });
});
