/**
 * Writes deploy/kubernetes/prometheusrule.yaml from ops/prometheus/alerts.yml, so the
 * alerts that promtool tests are exactly the ones the cluster runs
 * (run: npx tsx scripts/build-prometheus-rule.ts; a test checks it is current).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

const ROOT = new URL('../', import.meta.url);

export function buildPrometheusRule(): string {
  const alerts = parse(readFileSync(new URL('ops/prometheus/alerts.yml', ROOT), 'utf8')) as { groups: unknown[] };
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'mobile-gateway', labels: { 'app.kubernetes.io/name': 'mobile-gateway' } },
    spec: { groups: alerts.groups },
  };
  return `# Generated from ops/prometheus/alerts.yml by scripts/build-prometheus-rule.ts: do not edit.\n${stringify(rule, { lineWidth: 0 })}`;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  writeFileSync(new URL('deploy/kubernetes/prometheusrule.yaml', ROOT), buildPrometheusRule());
  process.stdout.write('wrote deploy/kubernetes/prometheusrule.yaml\n');
}
