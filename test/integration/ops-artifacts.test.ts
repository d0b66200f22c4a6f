import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const ROOT = new URL('../../', import.meta.url);
const METRIC_NAME = /\b(?:gateway|graphql_envelop)_[a-z0-9_]+\b/g;

function metricNamesIn(text: string): string[] {
  return [...new Set(text.match(METRIC_NAME) ?? [])].sort();
}

describe('alert rules and the dashboard use only metrics the gateway exports', () => {
  let t: TestGateway;
  let exported: Set<string>;
  beforeAll(async () => {
    t = await startTestGateway();
    // Operations put the GraphQL families on the page (they appear on first use).
    await t.gql('query Home { product(id: "p1") { id } }');
    await t.gql('{ nope }');
    const text = await (await fetch(`${t.url}/metrics`)).text();
    exported = new Set(parsePrometheus(text).map((sample) => sample.name));
  });
  afterAll(() => t.close());

  it.each(['ops/prometheus/alerts.yml', 'ops/grafana/dashboard.json'])('%s', (path) => {
    const names = metricNamesIn(readFileSync(new URL(path, ROOT), 'utf8'));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard has a breaker row and an upstream row', () => {
    const dashboard = JSON.parse(readFileSync(new URL('ops/grafana/dashboard.json', ROOT), 'utf8')) as {
      panels: { type: string; title: string }[];
    };
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(expect.arrayContaining(['Circuit breakers', 'Upstreams']));
  });
});
