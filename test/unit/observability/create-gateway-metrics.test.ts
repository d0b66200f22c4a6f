import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../../src/observability/create-gateway-metrics.js';
import type { AttemptEvent } from '../../../src/upstream/upstream-observer.js';
import { parsePrometheus, sampleValue, type Sample } from '../../helpers/parse-prometheus.js';

const SERVICE = 'catalog';

async function afterAttempts(events: Omit<AttemptEvent, 'service' | 'durationMs'>[]): Promise<Sample[]> {
  const registry = new Registry();
  const metrics = createGatewayMetrics({ registry, prefix: 'gateway_', services: [SERVICE] });
  for (const event of events) metrics.upstream.attempt({ service: SERVICE, durationMs: 12, ...event });
  return parsePrometheus(await registry.metrics());
}

const external = (samples: Sample[], labels: Record<string, string>) =>
  sampleValue(samples, 'gateway_external_request_total', { service: SERVICE, ...labels });

describe('createGatewayMetrics: gateway_external_request_total', () => {
  it.each<[string, Omit<AttemptEvent, 'service' | 'durationMs'>, 'success' | 'failure', string]>([
    ['200', { outcome: 'success', status: 200 }, 'success', '2xx'],
    ['an expected 404', { outcome: 'success', status: 404 }, 'success', '4xx'],
    ['an unexpected 400', { outcome: 'failure', status: 400, kind: 'status' }, 'failure', '4xx'],
    ['503', { outcome: 'failure', status: 503, kind: 'status' }, 'failure', '5xx'],
    ['a 302', { outcome: 'failure', status: 302, kind: 'status' }, 'failure', '3xx'],
    ['connection refused', { outcome: 'failure', kind: 'network' }, 'failure', 'network_error'],
    ['an attempt timeout', { outcome: 'failure', kind: 'timeout' }, 'failure', 'timeout'],
    ['a cancelled attempt', { outcome: 'failure', kind: 'timeout', cancelled: true }, 'failure', 'cancelled'],
    ['a 200 with a garbage body', { outcome: 'failure', status: 200, kind: 'bad_body' }, 'failure', 'bad_body'],
  ])('%s: status="%s", outcome="%s", and the duration histogram agrees', async (_name, event, status, outcome) => {
    const samples = await afterAttempts([event]);
    expect(external(samples, { status, outcome })).toBe(1);
    const all = samples.filter((s) => s.name === 'gateway_external_request_total');
    expect(all.reduce((sum, s) => sum + s.value, 0)).toBe(1);
    expect(all.every((s) => s.labels.status === 'success' || s.labels.status === 'failure')).toBe(true);
    expect(sampleValue(samples, 'gateway_external_request_duration_seconds_count', { service: SERVICE, result: status })).toBe(1);
  });

  it('every (status, outcome) an attempt can produce is present at zero from start-up, and no other', async () => {
    const samples = await afterAttempts([]);
    const series = samples
      .filter((s) => s.name === 'gateway_external_request_total')
      .map((s) => `${s.labels.status}/${s.labels.outcome}`)
      .sort();
    expect(series).toEqual(
      [
        'success/2xx',
        'success/4xx',
        'failure/3xx',
        'failure/4xx',
        'failure/5xx',
        'failure/network_error',
        'failure/timeout',
        'failure/cancelled',
        'failure/bad_body',
      ].sort(),
    );
    expect(samples.filter((s) => s.name === 'gateway_external_request_total').every((s) => s.value === 0)).toBe(true);
  });

  it('errors_total still leaves cancelled attempts out (the backend did not fail them)', async () => {
    const samples = await afterAttempts([
      { outcome: 'failure', kind: 'timeout', cancelled: true },
      { outcome: 'failure', status: 503, kind: 'status' },
    ]);
    expect(sampleValue(samples, 'gateway_external_request_errors_total', { service: SERVICE })).toBe(1);
  });
});

describe('createGatewayMetrics: gateway_execution_total and gateway_compiled_operations', () => {
  it('has every (executor, reason) at zero from start-up, and counts each execution under its own', async () => {
    const registry = new Registry();
    const metrics = createGatewayMetrics({ registry, prefix: 'gateway_', services: [SERVICE] });
    const series = (samples: Sample[]) =>
      samples
        .filter((s) => s.name === 'gateway_execution_total')
        .map((s) => `${s.labels.executor}/${s.labels.reason}=${s.value}`)
        .sort();
    expect(series(parsePrometheus(await registry.metrics()))).toEqual(
      ['jit/compiled=0', 'standard/configured=0', 'standard/subscription=0', 'standard/incremental=0', 'standard/not_compilable=0', 'standard/not_yet_compiled=0', 'standard/invalid_variables=0'].sort(),
    );
    metrics.executed('compiled');
    metrics.executed('compiled');
    metrics.executed('invalid_variables');
    let kept = 0;
    metrics.observeCompiledOperations(() => kept);
    kept = 7;
    const samples = parsePrometheus(await registry.metrics());
    expect(sampleValue(samples, 'gateway_execution_total', { executor: 'jit', reason: 'compiled' })).toBe(2);
    expect(sampleValue(samples, 'gateway_execution_total', { executor: 'standard', reason: 'invalid_variables' })).toBe(1);
    expect(sampleValue(samples, 'gateway_compiled_operations')).toBe(7);
  });
});
