import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMovableClock } from '../helpers/movable-clock.js';
import { parsePrometheus, sampleValue, type Sample } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const SERVICES = ['users', 'catalog', 'orders', 'recommendations'];

async function scrape(t: TestGateway): Promise<Sample[]> {
  const response = await fetch(`${t.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

describe('/metrics', () => {
  // The first gateway's clock: its breaker becomes due for a trial when the test moves it.
  const clock = createMovableClock();
  let t: TestGateway;
  let other: TestGateway;
  beforeAll(async () => {
    [t, other] = await Promise.all([
      startTestGateway({ UPSTREAM_MAX_RETRIES: '1', BREAKER_HALF_OPEN_AFTER_MS: '400' }, { cache: false, now: clock.now }),
      startTestGateway({}, { cache: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t.close(), other.close()]);
  });

  it('has every gateway family, at zero, for every service, before any traffic', async () => {
    const samples = await scrape(t);
    for (const service of SERVICES) {
      expect(sampleValue(samples, 'gateway_circuit_breaker_state', { service })).toBe(0);
      expect(sampleValue(samples, 'gateway_circuit_breaker_consecutive_failures', { service })).toBe(0);
      expect(sampleValue(samples, 'gateway_circuit_breaker_last_state_change_timestamp_seconds', { service })).toBeGreaterThan(1.7e9);
      for (const status of ['success', 'failure', 'rejected']) {
        expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { service, status })).toBe(0);
      }
      expect(sampleValue(samples, 'gateway_circuit_breaker_failures_total', { service, exception_type: 'timeout' })).toBe(0);
      expect(sampleValue(samples, 'gateway_circuit_breaker_state_transitions_total', { service, from_state: 'closed', to_state: 'open' })).toBe(0);
      expect(sampleValue(samples, 'gateway_circuit_breaker_call_duration_seconds_count', { service })).toBe(0);
      expect(sampleValue(samples, 'gateway_external_request_total', { service, status: 'success', outcome: '2xx' })).toBe(0);
      for (const outcome of ['5xx', 'network_error', 'timeout', 'cancelled', 'bad_body']) {
        expect(sampleValue(samples, 'gateway_external_request_total', { service, status: 'failure', outcome })).toBe(0);
      }
      expect(sampleValue(samples, 'gateway_circuit_breaker_slow_calls_total', { service })).toBe(0);
      expect(sampleValue(samples, 'gateway_external_request_errors_total', { service })).toBe(0);
      expect(sampleValue(samples, 'gateway_external_request_duration_seconds_count', { service, result: 'success' })).toBe(0);
      expect(sampleValue(samples, 'gateway_retry_total', { service, attempt: '1' })).toBe(0);
      expect(sampleValue(samples, 'gateway_dataloader_batch_size_count', { service })).toBe(0);
    }
    expect(sampleValue(samples, 'gateway_cache_requests_total', { tier: 'l1', result: 'hit' })).toBe(0);
    expect(sampleValue(samples, 'gateway_cache_redis_errors_total')).toBe(0);
    expect(sampleValue(samples, 'gateway_rate_limited_total', { scope: 'client' })).toBe(0);
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts GraphQL operations by bounded operation name, and backend traffic by service', async () => {
    await t.gql('query Home { viewer { id orders(first: 2) { nodes { items { product { id } } } } } }', { as: 'u1' });
    await t.gql('{ product(id: "p1") { id } }');
    const samples = await scrape(t);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'Home', operation_type: 'query' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'Anonymous', operation_type: 'query' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_phase_execute_count', { operation_name: 'Home' })).toBe(1);
    expect(sampleValue(samples, 'gateway_external_request_total', { service: 'users', status: 'success', outcome: '2xx' })).toBe(1);
    expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { service: 'catalog', status: 'success' })).toBe(2);
    expect(sampleValue(samples, 'gateway_dataloader_batch_size_count', { service: 'catalog' })).toBe(2);
    expect(sampleValue(samples, 'gateway_external_request_duration_seconds_count', { service: 'orders', result: 'success' })).toBe(1);
  });

  it('follows a breaker through closed → open → half_open → closed, with failures, retries and rejections', async () => {
    t.backends.recommendations.setFault({ mode: '503' });
    // 1 retry each: 3 queries = 6 failed attempts; the breaker opens at the 5th.
    for (let i = 0; i < 3; i += 1) await t.gql('{ recommendations(first: 1) { id } }', { as: 'u1' });
    let samples = await scrape(t);
    const rec = { service: 'recommendations' };
    expect(sampleValue(samples, 'gateway_circuit_breaker_state', rec)).toBe(1);
    expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { ...rec, status: 'failure' })).toBe(5);
    expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { ...rec, status: 'rejected' })).toBe(1);
    expect(sampleValue(samples, 'gateway_circuit_breaker_failures_total', { ...rec, exception_type: 'http_5xx' })).toBe(5);
    expect(sampleValue(samples, 'gateway_circuit_breaker_consecutive_failures', rec)).toBe(5);
    expect(sampleValue(samples, 'gateway_retry_total', { ...rec, attempt: '1' })).toBe(3);
    expect(sampleValue(samples, 'gateway_external_request_total', { ...rec, status: 'failure', outcome: '5xx' })).toBe(5);
    // What the dashboards query: sum(rate(gateway_external_request_total{status="failure"}[5m])) by (service).
    const failures = samples.filter((s) => s.name === 'gateway_external_request_total' && s.labels.status === 'failure' && s.labels.service === 'recommendations');
    expect(failures.reduce((sum, s) => sum + s.value, 0)).toBe(5);
    expect(sampleValue(samples, 'gateway_external_request_duration_seconds_count', { ...rec, result: 'failure' })).toBe(5);
    expect(sampleValue(samples, 'gateway_external_request_errors_total', rec)).toBe(5);
    expect(sampleValue(samples, 'graphql_envelop_error_result_total', { operation_name: 'Anonymous', phase: 'execute' })).toBe(3);

    t.backends.recommendations.clearFault();
    // Past BREAKER_HALF_OPEN_AFTER_MS on the gateway's clock: the next call is the trial.
    clock.advance(450);
    await t.gql('{ recommendations(first: 1) { id } }', { as: 'u1' });
    samples = await scrape(t);
    expect(sampleValue(samples, 'gateway_circuit_breaker_state', rec)).toBe(0);
    expect(sampleValue(samples, 'gateway_circuit_breaker_consecutive_failures', rec)).toBe(0);
    const transition = (from: string, to: string) =>
      sampleValue(samples, 'gateway_circuit_breaker_state_transitions_total', { ...rec, from_state: from, to_state: to });
    expect([transition('closed', 'open'), transition('open', 'half_open'), transition('half_open', 'closed')]).toEqual([1, 1, 1]);
    expect(sampleValue(samples, 'gateway_circuit_breaker_last_state_change_timestamp_seconds', rec)).toBeGreaterThan(Date.now() / 1000 - 5);
  });

  it('each gateway in the process has its own registry', async () => {
    const samples = await scrape(other);
    expect(sampleValue(samples, 'gateway_circuit_breaker_requests_total', { service: 'recommendations', status: 'failure' })).toBe(0);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'Home' })).toBeUndefined();
  });

  it('bounds operation names chosen by clients', async () => {
    await t.gql('query weird_name_1 { product(id: "p1") { id } }');
    await t.gql('query Ünicode { product(id: "p1") { id } }').catch(() => undefined);
    const samples = await scrape(t);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'weird_name_1' })).toBe(1);
    expect(samples.some((s) => s.labels.operation_name === 'Ünicode')).toBe(false);
    expect(samples.every((s) => s.labels.path === undefined)).toBe(true);
  });
});
