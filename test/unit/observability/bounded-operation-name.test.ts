import { createSchema, createYoga } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createOperationNameBound } from '../../../src/observability/bounded-operation-name.js';
import { createClientLabels } from '../../../src/observability/client-labels.js';
import { useGraphQLMetrics } from '../../../src/plugins/use-graphql-metrics.js';
import { useStandaloneRequestScope } from '../../helpers/standalone-request-scope.js';

describe('createOperationNameBound', () => {
  it('keeps `limit` names, then "other"; odd names are "other", missing ones "Anonymous"', () => {
    const bound = createOperationNameBound({ limit: 2, now: () => 0 });
    expect([bound('A'), bound('B'), bound('C'), bound('A')]).toEqual(['A', 'B', 'other', 'A']);
    expect([bound('has space'), bound('x'.repeat(65)), bound(undefined), bound('')]).toEqual(['other', 'other', 'Anonymous', 'Anonymous']);
  });

  // Before, the first `limit` names held their slots forever: a scanner sending 200
  // invented names pushed every real operation into "other" for the life of the process.
  it('gives the least recently used slot to a new name once it is idle for idleMs, and says which', () => {
    let now = 0;
    const evicted: string[] = [];
    const bound = createOperationNameBound({ limit: 2, idleMs: 1000, now: () => now, onEvict: (name) => evicted.push(name) });
    bound('Scan1');
    bound('Scan2');
    now = 500;
    expect(bound('Home')).toBe('other');
    now = 900;
    bound('Scan2'); // still in use
    now = 1000;
    expect(bound('Home')).toBe('Home');
    expect(evicted).toEqual(['Scan1']);
    now = 1500;
    // Scan2 was used at 900: not idle for 1000 ms yet.
    expect(bound('Profile')).toBe('other');
    now = 1900;
    expect(bound('Profile')).toBe('Profile');
    expect(evicted).toEqual(['Scan1', 'Scan2']);
  });
});

describe('useGraphQLMetrics: evicted names lose their series', () => {
  it('drops every series of an evicted operation name and keeps the others', async () => {
    let now = 0;
    const registry = new Registry();
    const clientLabels = createClientLabels();
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
      plugins: [useStandaloneRequestScope(clientLabels), useGraphQLMetrics(registry, { limit: 2, idleMs: 1000, now: () => now }, clientLabels)],
      logging: false,
    });
    const run = (name: string) =>
      yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query ${name} { ok }` }),
      });
    await run('Scan1');
    await run('Scan2');
    expect(await registry.metrics()).toContain('operation_name="Scan1"');
    now = 2000;
    await run('Home');
    // The removal runs after the metric's async get().
    await new Promise((resolve) => setImmediate(resolve));
    const text = await registry.metrics();
    expect(text).not.toContain('operation_name="Scan1"');
    expect(text).toContain('operation_name="Scan2"');
    expect(text).toMatch(/graphql_envelop_request_total\{operation_name="Home",operation_type="query",client_name="unknown",client_version="unknown"\} 1/);
    expect(text).toMatch(/graphql_envelop_phase_execute_bucket\{le="[^"]+",operation_name="Home"/);
  });
});
