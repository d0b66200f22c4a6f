import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePrometheus, type Sample } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const ROOT = new URL('../../', import.meta.url);
const METRIC_NAME = /\b(?:gateway|graphql_envelop)_[a-z0-9_]+\b/g;

function metricNamesIn(text: string): string[] {
  return [...new Set(text.match(METRIC_NAME) ?? [])].sort();
}

/** Every PromQL expression of the alert rules and of the dashboard's panels. */
function expressions(path: string): string[] {
  const text = readFileSync(new URL(path, ROOT), 'utf8');
  if (path.endsWith('.json')) {
    const dashboard = JSON.parse(text) as { panels: { targets?: { expr: string }[] }[] };
    return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  }
  const rules = parse(text) as { groups: { rules: { expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

/**
 * What an expression asks of labels that a live scrape does not have (at zero from
 * start-up, every series an alert or panel reads is there): a selector
 * `name{label="value"}` needs a series with that value; `label!="value"` needs that value
 * too (excluding a value that never occurs excludes nothing); `by (label)` needs the label
 * on one of the expression's metrics. A renamed label or value would otherwise leave an
 * alert silent and a panel empty, with every metric name still right.
 */
function labelProblems(expr: string, scrape: Sample[]): string[] {
  const problems: string[] = [];
  const seriesOf = (name: string) => scrape.filter((sample) => sample.name === name);
  for (const selector of expr.matchAll(/\b((?:gateway|graphql_envelop)_[a-z0-9_]+)\{([^}]*)\}/g)) {
    const [, name, matchers] = selector as unknown as [string, string, string];
    for (const matcher of matchers.matchAll(/([a-z_]+)\s*(=|!=)\s*"([^"]*)"/g)) {
      const [, label, operator, value] = matcher as unknown as [string, string, string, string];
      if (!seriesOf(name).some((sample) => sample.labels[label] === value)) problems.push(`${name}{${label}${operator}"${value}"}: no such value`);
    }
  }
  const names = metricNamesIn(expr);
  for (const grouping of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
    for (const label of grouping[1]!.split(',').map((part) => part.trim())) {
      if (label === '' || names.some((name) => seriesOf(name).some((sample) => label in sample.labels))) continue;
      problems.push(`by (${label}): not a label of ${names.join(', ')}`);
    }
  }
  return problems;
}

describe('alert rules and the dashboard use only metrics the gateway exports', () => {
  let t: TestGateway;
  let exported: Set<string>;
  let scrape: Sample[];
  beforeAll(async () => {
    t = await startTestGateway();
    // Operations put the GraphQL families on the page (they appear on first use).
    await t.gql('query Home { product(id: "p1") { id } }');
    await t.gql('{ nope }');
    const text = await (await fetch(`${t.url}/metrics`)).text();
    scrape = parsePrometheus(text);
    exported = new Set(scrape.map((sample) => sample.name));
  });
  afterAll(() => t.close());

  it.each(['ops/prometheus/alerts.yml', 'ops/grafana/dashboard.json'])('%s', (path) => {
    const names = metricNamesIn(readFileSync(new URL(path, ROOT), 'utf8'));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });

  it.each(['ops/prometheus/alerts.yml', 'ops/grafana/dashboard.json'])('%s selects and groups by labels the gateway exports', (path) => {
    const exprs = expressions(path);
    expect(exprs.length).toBeGreaterThan(5);
    expect(exprs.flatMap((expr) => labelProblems(expr, scrape))).toEqual([]);
  });

  it('the label check catches a renamed label or value', () => {
    expect(labelProblems('sum(rate(gateway_external_request_total{status="failed"}[5m])) by (service)', scrape)).toEqual([
      'gateway_external_request_total{status="failed"}: no such value',
    ]);
    expect(labelProblems('sum by (reason) (rate(gateway_external_request_total{outcome!="canceled"}[5m]))', scrape)).toEqual([
      'gateway_external_request_total{outcome!="canceled"}: no such value',
      'by (reason): not a label of gateway_external_request_total',
    ]);
  });

  it('the dashboard has a breaker row and an upstream row', () => {
    const dashboard = JSON.parse(readFileSync(new URL('ops/grafana/dashboard.json', ROOT), 'utf8')) as {
      panels: { type: string; title: string }[];
    };
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(expect.arrayContaining(['Circuit breakers', 'Upstreams']));
  });
});
