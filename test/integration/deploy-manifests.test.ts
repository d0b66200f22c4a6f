import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPrometheusRule } from '../../scripts/build-prometheus-rule.js';
import type { ConfigError } from '../../src/config/config-error.js';
import { envVariables } from '../../src/config/env-schema.js';
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const DIR = new URL('../../deploy/kubernetes/', import.meta.url);

// The manifests are read as plain objects: these types name only what the checks use.
type Manifest = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, any>; data?: Record<string, string>; stringData?: Record<string, string> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are untyped YAML

const manifests: Manifest[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => parse(readFileSync(new URL(file, DIR), 'utf8')) as Manifest);
const byKind = (kind: string) => {
  const found = manifests.find((m) => m.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} manifest`);
  return found;
};

const deployment = byKind('Deployment');
const pod = deployment.spec!.template;
const container = pod.spec.containers[0];
const configMap = byKind('ConfigMap');
const secret = byKind('Secret');

describe('Kubernetes manifests', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('has every kind an operator needs', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'PrometheusRule', 'Secret', 'Service', 'ServiceMonitor'].sort(),
    );
    expect(deployment.spec!.replicas).toBeGreaterThanOrEqual(2);
  });

  it('probes paths the gateway really serves', async () => {
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(probe.httpGet.port).toBe('http');
      const response = await fetch(`${t.url}${probe.httpGet.path}`);
      expect(response.status, probe.httpGet.path).toBe(200);
    }
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health');
  });

  it('sets only variables the gateway reads, and every variable the README documents', () => {
    const set = [...Object.keys(configMap.data!).filter((key) => key !== 'gateway.json'), ...Object.keys(secret.stringData!)];
    expect(set.filter((name) => !envVariables(gatewayApp.services).includes(name))).toEqual([]);
    const contract = ['PORT', 'USERS_URL', 'CATALOG_URL', 'ORDERS_URL', 'RECOMMENDATIONS_URL', 'REDIS_URL', 'JWT_SECRET', 'SYNC_TOKEN_SECRET', 'UPSTREAM_TIMEOUT_MS', 'UPSTREAM_MAX_RETRIES', 'BREAKER_HALF_OPEN_AFTER_MS', 'CLIENT_RATE_LIMIT', 'GATEWAY_CONFIG', 'NODE_ENV', 'LOG_LEVEL'];
    expect(contract.filter((name) => !set.includes(name))).toEqual([]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]);
  });

  it('ships a configuration the gateway accepts, with the mounted GATEWAY_CONFIG file', () => {
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'gateway-config');
    expect(`${mount.mountPath}/gateway.json`).toBe(configMap.data!.GATEWAY_CONFIG);
    // The Secret is a template: its values are replaced by real ones (≥ 32 bytes).
    const realSecrets = { JWT_SECRET: 'k8s-test-jwt-secret-0123456789abcdef', SYNC_TOKEN_SECRET: 'k8s-test-sync-secret-0123456789abcdef' };
    const config = loadAppConfig({ ...configMap.data, ...secret.stringData, ...realSecrets }, { readFile: () => configMap.data!['gateway.json']! });
    expect(config.port).toBe(container.ports[0].containerPort);
    expect(config.opsPort).toBe(container.ports.find((p: { name: string }) => p.name === 'ops').containerPort);
    expect(config.production).toBe(true);
    expect(config.services.recommendations.timeoutMs).toBe(300);
  });

  it("refuses to start with the Secret template's placeholders: applied unchanged, no public secret is trusted", () => {
    let problems: readonly string[] = [];
    try {
      loadAppConfig({ ...configMap.data, ...secret.stringData }, { readFile: () => configMap.data!['gateway.json']! });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET: expected at least 32 bytes/), expect.stringMatching(/^SYNC_TOKEN_SECRET: expected at least 32 bytes/)]);
  });

  it('gives a stopping pod time to drain: grace period > preStop + SHUTDOWN_DRAIN_MS', () => {
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    const drainSeconds = Number(configMap.data!.SHUTDOWN_DRAIN_MS) / 1000;
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainSeconds);
  });

  it('wires Service, HPA, PDB and ServiceMonitor to the Deployment', () => {
    const labels = pod.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const service = byKind('Service');
    expect(matches(service.spec!.selector)).toBe(true);
    expect(service.spec!.ports[0].targetPort).toBe(container.ports[0].name);
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec!.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    const pdb = byKind('PodDisruptionBudget');
    expect(matches(pdb.spec!.selector.matchLabels)).toBe(true);
    expect(pdb.spec!.minAvailable).toBeLessThan(hpa.spec!.minReplicas);
    const monitor = byKind('ServiceMonitor');
    expect(Object.entries(monitor.spec!.selector.matchLabels).every(([k, v]) => service.metadata.labels?.[k] === v)).toBe(true);
    // Metrics are scraped from the ops listener (OPS_PORT), which the public port does not serve.
    const opsPort = service.spec!.ports.find((p: { name: string }) => p.name === 'ops');
    expect(opsPort.targetPort).toBe('ops');
    expect(monitor.spec!.endpoints[0]).toMatchObject({ port: 'ops', path: '/metrics' });
  });

  it('runs exactly the alerts that promtool tests', () => {
    expect(readFileSync(new URL('prometheusrule.yaml', DIR), 'utf8')).toBe(buildPrometheusRule());
  });
});
