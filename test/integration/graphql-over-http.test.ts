import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

describe.each(EXECUTORS)('GraphQL over HTTP: media types and status codes (%s executor)', (executor) => {
  let t: TestGateway;
  let endpoint: string;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_EXECUTOR: executor });
    endpoint = `${t.url}/graphql`;
  });
  afterAll(() => t.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body,
    });

  it('answers application/graphql-response+json with 200 and data', async () => {
    const response = await post(JSON.stringify({ query: '{ product(id: "p1") { id } }' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await response.json()).toEqual({ data: { product: { id: 'p1' } } });
  });

  it('answers GET queries', async () => {
    const response = await fetch(`${endpoint}?query=${encodeURIComponent('{ product(id: "p2") { id } }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { product: { id: 'p2' } } });
  });

  it('refuses mutations over GET with 405', async () => {
    const query = 'mutation { updateOrder(input: { id: "o00001", expectedVersion: 1, note: "x" }) { id } }';
    const response = await fetch(`${endpoint}?query=${encodeURIComponent(query)}`);
    expect(response.status).toBe(405);
  });

  it.each([
    ['malformed JSON', '{bad', 400],
    ['no query', '{}', 400],
    ['a syntax error', JSON.stringify({ query: '{ product(' }), 400],
    ['an unknown field', JSON.stringify({ query: '{ nope }' }), 400],
    ['variables of the wrong type', JSON.stringify({ query: 'query($id: ID!) { product(id: $id) { id } }', variables: { id: { x: 1 } } }), 400],
  ])('rejects %s with %i and an errors array', async (_name, body, status) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { errors: { message: string }[]; data?: unknown };
    expect(json.errors.length).toBeGreaterThan(0);
    expect(json.errors[0]!.message).toEqual(expect.any(String));
    expect(json.data).toBeUndefined();
  });

  it('keeps the legacy application/json behaviour: validation errors are 200', async () => {
    const response = await post(JSON.stringify({ query: '{ nope }' }), { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses form-like content types (CSRF) with 403, an unsupported one with 415, an unsupported Accept with 406, and stays up', async () => {
    const plain = await post(JSON.stringify({ query: '{ product(id: "p1") { id } }' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(403);
    const form = await post(`query=${encodeURIComponent('mutation { updateOrder(input: { id: "o00001", expectedVersion: 1, note: "x" }) { id } }')}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(403);
    const xml = await post('<query/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    const notAcceptable = await post(JSON.stringify({ query: '{ product(id: "p1") { id } }' }), { accept: 'application/xml' });
    expect(notAcceptable.status).toBe(406);
    const after = await post(JSON.stringify({ query: '{ product(id: "p1") { id } }' }));
    expect(after.status).toBe(200);
  });

  it('answers other methods with 405 and unknown paths with 404', async () => {
    expect((await fetch(endpoint, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(405);
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
  });

  it('serves liveness and readiness probes with a request id', async () => {
    const live = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'probe-1' } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe('probe-1');
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
