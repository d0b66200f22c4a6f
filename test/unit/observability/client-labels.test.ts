import { createSchema, createYoga } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readClientIdentity } from '../../../src/edge/client-identity.js';
import { createClientLabels, type ClientLabelValues } from '../../../src/observability/client-labels.js';
import { useGraphQLMetrics } from '../../../src/plugins/use-graphql-metrics.js';
import { useStandaloneRequestScope } from '../../helpers/standalone-request-scope.js';

// A request's client, as its scope reads it from the headers.
const request = (name?: string, version?: string) => {
  const headers = new Headers({
    ...(name === undefined ? {} : { 'apollographql-client-name': name }),
    ...(version === undefined ? {} : { 'apollographql-client-version': version }),
  });
  return readClientIdentity((header) => headers.get(header));
};

describe('createClientLabels', () => {
  it('keeps `limit` pairs, then "other"; no headers is "unknown" and takes no slot; one answer per request', () => {
    const labels = createClientLabels({ limit: 2 });
    const first = request('ios', '1.0.0');
    expect(labels.of(first)).toEqual({ client_name: 'ios', client_version: '1.0.0' });
    expect(labels.of(request())).toEqual({ client_name: 'unknown', client_version: 'unknown' });
    expect(labels.of(request('ios', '1.1.0'))).toEqual({ client_name: 'ios', client_version: '1.1.0' });
    expect(labels.of(request('android', '1.0.0'))).toEqual({ client_name: 'other', client_version: 'other' });
    expect(labels.of(request('ios', '1.0.0'))).toEqual({ client_name: 'ios', client_version: '1.0.0' });
    expect(labels.of(first)).toBe(labels.of(first));
    // A name without a version is a pair of its own.
    expect(labels.of(request('web'))).toEqual({ client_name: 'other', client_version: 'other' });
  });

  it('gives the least recently used slot to a new pair once it is idle for idleMs, and says which', () => {
    let now = 0;
    const evicted: ClientLabelValues[] = [];
    const labels = createClientLabels({ limit: 2, idleMs: 1000, now: () => now });
    labels.onEvict((pair) => evicted.push(pair));
    labels.of(request('scanner', '1'));
    now = 500;
    labels.of(request('ios', '2.0.0'));
    now = 1200;
    expect(labels.of(request('android', '3.0.0'))).toEqual({ client_name: 'android', client_version: '3.0.0' });
    expect(evicted).toEqual([{ client_name: 'scanner', client_version: '1' }]);
    // ios was used at 500: not idle for 1000 ms yet.
    expect(labels.of(request('web', '1.0.0'))).toEqual({ client_name: 'other', client_version: 'other' });
  });
});

describe('useGraphQLMetrics: an evicted client pair loses its series', () => {
  it('drops the counters of the evicted pair and keeps the others', async () => {
    let now = 0;
    const registry = new Registry();
    const clientLabels = createClientLabels({ limit: 1, idleMs: 1000, now: () => now });
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
      plugins: [useStandaloneRequestScope(clientLabels), useGraphQLMetrics(registry, {}, clientLabels)],
      logging: false,
    });
    const run = (name: string) =>
      yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'apollographql-client-name': name, 'apollographql-client-version': '1.0.0' },
        body: JSON.stringify({ query: 'query Home { ok }' }),
      });
    await run('scanner');
    expect(await registry.metrics()).toContain('client_name="scanner"');
    now = 2000;
    await run('ios');
    await new Promise((resolve) => setImmediate(resolve));
    const text = await registry.metrics();
    expect(text).not.toContain('client_name="scanner"');
    expect(text).toMatch(/graphql_envelop_request_total\{operation_name="Home",operation_type="query",client_name="ios",client_version="1.0.0"\} 1/);
  });
});
