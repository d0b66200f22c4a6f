import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sampleValue, type Sample } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const app = (name: string, version: string) => ({ 'apollographql-client-name': name, 'apollographql-client-version': version });

async function scrape(t: TestGateway): Promise<Sample[]> {
  return parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
}

function accessLine(t: TestGateway, requestId: string): Record<string, unknown> | undefined {
  return t.logs.find((line) => line.msg === 'request' && line.requestId === requestId);
}

describe('client awareness: which app version sends what', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ UPSTREAM_MAX_RETRIES: '0' }, { cache: false });
  });
  afterAll(() => t.close());

  it('logs and counts the name and version Apollo Kotlin and Apollo iOS send', async () => {
    await t.gql('query Product { product(id: "p1") { id } }', { headers: { ...app('shop-android', '4.2.0'), 'x-request-id': 'aware-1' } });
    expect(accessLine(t, 'aware-1')).toMatchObject({ clientName: 'shop-android', clientVersion: '4.2.0', operationName: 'Product' });
    const samples = await scrape(t);
    expect(
      sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'Product', client_name: 'shop-android', client_version: '4.2.0' }),
    ).toBe(1);
  });

  it('reads x-client-name / x-client-version when the Apollo headers are absent; absent headers are "unknown"', async () => {
    await t.gql('query ViaX { product(id: "p1") { id } }', { headers: { 'x-client-name': 'shop-web', 'x-client-version': '1.0.0', 'x-request-id': 'aware-2' } });
    await t.gql('query Bare { product(id: "p1") { id } }', { headers: { 'x-request-id': 'aware-3' } });
    expect(accessLine(t, 'aware-2')).toMatchObject({ clientName: 'shop-web', clientVersion: '1.0.0' });
    expect(accessLine(t, 'aware-3')).toMatchObject({ clientName: 'unknown', clientVersion: 'unknown' });
    const samples = await scrape(t);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'ViaX', client_name: 'shop-web', client_version: '1.0.0' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { operation_name: 'Bare', client_name: 'unknown', client_version: 'unknown' })).toBe(1);
  });

  it('labels errors by client too, in the execute phase and before it', async () => {
    t.backends.catalog.setFault({ mode: '503' });
    await t.gql('query Broken { product(id: "p1") { id } }', { headers: app('shop-ios', '7.1.0') });
    t.backends.catalog.clearFault();
    await t.gql('query Invalid { nope }', { headers: app('shop-ios', '7.1.0') });
    const samples = await scrape(t);
    const ios = { client_name: 'shop-ios', client_version: '7.1.0' };
    expect(sampleValue(samples, 'graphql_envelop_error_result_total', { ...ios, operation_name: 'Broken', phase: 'execute' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_error_result_total', { ...ios, phase: 'validate' })).toBe(1);
  });

  it('never lets a header value through as it came: too long, quotes, control characters or newlines become "invalid"', async () => {
    const hostile = [
      { name: 'x'.repeat(65), version: '1.0.0' },
      { name: 'evil"} 1\nfake_metric{a="', version: '1.0.0' },
      { name: 'shop-ios', version: '1.0.0"\\' },
      { name: 'shop-ios', version: '1.0.0 (build 7)' },
    ];
    for (const [index, { name, version }] of hostile.entries()) {
      // fetch refuses a raw newline in a header: encode what it would carry.
      const headers = { 'apollographql-client-name': name.replace(/\n/g, '\t'), 'apollographql-client-version': version, 'x-request-id': `hostile-${index}` };
      const { status } = await t.gql('query Hostile { product(id: "p1") { id } }', { headers });
      expect(status).toBe(200);
    }
    expect(hostile.map((_, index) => accessLine(t, `hostile-${index}`)).map((line) => [line?.clientName, line?.clientVersion])).toEqual([
      ['invalid', '1.0.0'],
      ['invalid', '1.0.0'],
      ['shop-ios', 'invalid'],
      ['shop-ios', 'invalid'],
    ]);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).not.toContain('fake_metric');
    expect(text).not.toContain('x'.repeat(65));
    expect(text).toMatch(/graphql_envelop_request_total\{operation_name="Hostile",operation_type="query",client_name="invalid",client_version="1.0.0"\} 2/);
  });
});

describe('client labels are bounded: CLIENT_LABELS_MAX', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // The default bound (50); 200 fake clients must not make 200 series.
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('gives the first 50 name/version pairs labels of their own and counts the 150 others as "other", on all three client-labelled families', async () => {
    expect(t.config.clientLabelsMax).toBe(50);
    // Each fake client sends an operation that selects a deprecated field, then one that
    // fails validation: the request counter, the deprecated-usage counter and the error
    // counter each see all 200.
    for (let batch = 0; batch < 200; batch += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const headers = app(`fake-${batch + i}`, `1.0.${batch + i}`);
          await t.gql('query Flood { product(id: "p1") { id imageUrl } }', { headers });
          await t.gql('query FloodError { nope }', { headers });
        }),
      );
    }
    await t.gql('query Flood { product(id: "p1") { id imageUrl } }');
    await t.gql('query FloodError { nope }');
    const all = await scrape(t);
    const families = {
      requests: all.filter((s) => s.name === 'graphql_envelop_request_total' && s.labels.operation_name === 'Flood'),
      deprecated: all.filter((s) => s.name === 'gateway_deprecated_field_usage_total' && s.labels.field === 'Product.imageUrl'),
      errors: all.filter((s) => s.name === 'graphql_envelop_error_result_total' && s.labels.phase === 'validate'),
    };
    const ownPairs = (samples: Sample[]) =>
      samples
        .filter((s) => s.labels.client_name?.startsWith('fake-'))
        .map((s) => `${s.labels.client_name}@${s.labels.client_version}`)
        .sort();
    const first50 = ownPairs(families.requests);
    expect(first50).toHaveLength(50);
    for (const [family, samples] of Object.entries(families)) {
      // The same 50 pairs everywhere: the bound is one, shared.
      expect(ownPairs(samples), family).toEqual(first50);
      expect(samples.filter((s) => s.labels.client_name?.startsWith('fake-')).every((s) => s.value === 1), family).toBe(true);
      expect(sampleValue(samples, samples[0]!.name, { client_name: 'other', client_version: 'other' }), family).toBe(150);
      // Requests without headers never take a slot.
      expect(sampleValue(samples, samples[0]!.name, { client_name: 'unknown', client_version: 'unknown' }), family).toBe(1);
      expect(samples, family).toHaveLength(52);
    }
  });

  it('a pair that has its label keeps it after the bound is reached', async () => {
    const before = (await scrape(t)).find((s) => s.name === 'graphql_envelop_request_total' && s.labels.client_name?.startsWith('fake-'));
    const { client_name: name, client_version: version } = before!.labels;
    await t.gql('query Flood { product(id: "p1") { id } }', { headers: app(name!, version!) });
    expect(sampleValue(await scrape(t), 'graphql_envelop_request_total', { operation_name: 'Flood', client_name: name!, client_version: version! })).toBe(2);
  });
});

describe('CLIENT_LABELS_MAX', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ CLIENT_LABELS_MAX: '2' });
  });
  afterAll(() => t.close());

  it('sets the bound', async () => {
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await t.gql('query Small { product(id: "p1") { id } }', { headers: app('shop-ios', version) });
    const samples = await scrape(t);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { client_name: 'shop-ios', client_version: '1.0.0' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { client_name: 'shop-ios', client_version: '1.1.0' })).toBe(1);
    expect(sampleValue(samples, 'graphql_envelop_request_total', { client_name: 'shop-ios', client_version: '1.2.0' })).toBeUndefined();
    expect(sampleValue(samples, 'graphql_envelop_request_total', { client_name: 'other', client_version: 'other' })).toBe(1);
  });
});
