import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import { createAppClient } from '../helpers/apollo-client.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';
import { writeTempFile } from '../helpers/write-temp-file.js';

const MINIMUMS = { clients: { minimumVersions: { 'shop-ios': '1.2.0', 'shop-android': '3.0.0' } } };
const QUERY = '{ product(id: "p1") { id } }';
const app = (name: string, version?: string) => ({
  'apollographql-client-name': name,
  ...(version === undefined ? {} : { 'apollographql-client-version': version }),
});

const UPGRADE = (minimumVersion: string) => ({
  errors: [
    {
      message: expect.stringContaining(`update to ${minimumVersion} or later`),
      extensions: { code: 'UPGRADE_REQUIRED', retryable: false, minimumVersion },
    },
  ],
});

describe('minimum supported app versions (GATEWAY_CONFIG clients.minimumVersions)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_CONFIG: writeTempFile('gateway.json', MINIMUMS) });
  });
  afterAll(() => t.close());

  it('answers an older version with HTTP 200, no data and one UPGRADE_REQUIRED error, without calling a backend', async () => {
    t.resetBackendStats();
    const { status, headers, body } = await t.gql(QUERY, { headers: app('shop-ios', '1.1.9') });
    expect(status).toBe(200);
    expect(body).toEqual(UPGRADE('1.2.0'));
    expect(body).not.toHaveProperty('data');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('orders pre-releases below their release: 1.2.0-beta.1 is refused, 1.2.0, 1.2.1-rc.1 and 1.10.0 are served', async () => {
    expect((await t.gql(QUERY, { headers: app('shop-ios', '1.2.0-beta.1') })).body).toEqual(UPGRADE('1.2.0'));
    expect((await t.gql(QUERY, { headers: app('shop-ios', '1.2.0-rc.1') })).body).toEqual(UPGRADE('1.2.0'));
    for (const version of ['1.2.0', '1.2.0+build.77', '1.2.1-rc.1', '1.10.0', '2.0.0']) {
      expect((await t.gql(QUERY, { headers: app('shop-ios', version) })).body, version).toEqual({ data: { product: { id: 'p1' } } });
    }
  });

  it('compares each client against its own minimum', async () => {
    expect((await t.gql(QUERY, { headers: app('shop-android', '2.9.0') })).body).toEqual(UPGRADE('3.0.0'));
    expect((await t.gql(QUERY, { headers: app('shop-android', '3.0.0') })).body).toEqual({ data: { product: { id: 'p1' } } });
  });

  it('serves malformed versions, clients without a version, unknown clients and requests without headers', async () => {
    const served = { data: { product: { id: 'p1' } } };
    for (const version of ['1.2', 'v1.0.0', '01.0.0', '2024.01.05.3', 'abc', '1.0.0 (45)', 'x'.repeat(100)]) {
      expect((await t.gql(QUERY, { headers: app('shop-ios', version) })).body, version).toEqual(served);
    }
    expect((await t.gql(QUERY, { headers: app('shop-ios') })).body).toEqual(served);
    expect((await t.gql(QUERY, { headers: app('shop-web', '0.0.1') })).body).toEqual(served);
    expect((await t.gql(QUERY)).body).toEqual(served);
  });

  it("an Apollo Client app (its clientAwareness headers, errorPolicy 'all') gets no data and the one error to show its upgrade screen", async () => {
    const old = createAppClient(`${t.url}/graphql`, { name: 'shop-ios', version: '1.1.0' });
    const current = createAppClient(`${t.url}/graphql`, { name: 'shop-ios', version: '1.2.0' });
    try {
      const refused = await old.query('query Product { product(id: "p1") { id } }');
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([expect.objectContaining({ extensions: { code: 'UPGRADE_REQUIRED', retryable: false, minimumVersion: '1.2.0' } })]);
      const served = await current.query('query Product { product(id: "p1") { id } }');
      expect(served).toMatchObject({ data: { product: { id: 'p1' } }, errors: [] });
    } finally {
      old.stop();
      current.stop();
    }
  });

  it('reads x-client-name / x-client-version too', async () => {
    const { body } = await t.gql(QUERY, { headers: { 'x-client-name': 'shop-ios', 'x-client-version': '1.0.0' } });
    expect(body).toEqual(UPGRADE('1.2.0'));
  });

  it('refuses before validation and persisted-query lookup: an old app using a removed field, or an unknown hash, still learns to upgrade', async () => {
    const removed = await t.gql('{ product(id: "p1") { fieldRemovedLongAgo } }', { headers: app('shop-ios', '1.0.0') });
    expect(removed).toMatchObject({ status: 200, body: UPGRADE('1.2.0') });
    const unknownHash = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...app('shop-ios', '1.0.0') },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    expect(unknownHash.status).toBe(200);
    expect(await unknownHash.json()).toEqual(UPGRADE('1.2.0'));
  });

  it('refuses every operation of a batch, and calls no backend', async () => {
    t.resetBackendStats();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...app('shop-android', '2.0.0') },
      body: JSON.stringify([{ query: QUERY }, { query: '{ product(id: "p2") { name } }' }]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([UPGRADE('3.0.0'), UPGRADE('3.0.0')]);
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('refuses a GET (persisted) query the same way', async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent(QUERY)}`, {
      headers: { accept: 'application/graphql-response+json', ...app('shop-ios', '1.0.0') },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBeNull();
    expect(await response.json()).toEqual(UPGRADE('1.2.0'));
  });
});

describe('minimum versions with trusted documents (PERSISTED_QUERIES=only)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    const manifest = { [createHash('sha256').update(QUERY).digest('hex')]: QUERY };
    t = await startTestGateway({
      GATEWAY_CONFIG: writeTempFile('gateway.json', MINIMUMS),
      PERSISTED_QUERIES: 'only',
      PERSISTED_QUERIES_MANIFEST: writeTempFile('manifest.json', manifest),
    });
  });
  afterAll(() => t.close());

  it('an old app whose operation left the manifest gets UPGRADE_REQUIRED, not PERSISTED_QUERY_NOT_FOUND', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...app('shop-ios', '1.1.0') },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(UPGRADE('1.2.0'));
  });
});

describe('clients.minimumVersions is validated at start-up', () => {
  const base = {
    USERS_URL: 'http://127.0.0.1:1',
    CATALOG_URL: 'http://127.0.0.1:1',
    ORDERS_URL: 'http://127.0.0.1:1',
    RECOMMENDATIONS_URL: 'http://127.0.0.1:1',
  };
  const load = (clients: unknown) =>
    loadAppConfig({ ...base, GATEWAY_CONFIG: '/gateway.json' }, { allowDevSecrets: true, readFile: () => JSON.stringify({ clients }) });

  it('accepts semantic versions, pre-releases included', () => {
    expect(load({ minimumVersions: { 'shop-ios': '1.2.0-beta.1' } }).clients.minimumVersions).toEqual({ 'shop-ios': '1.2.0-beta.1' });
    expect(loadAppConfig(base, { allowDevSecrets: true }).clients.minimumVersions).toEqual({});
  });

  it('refuses a version that is not semantic, a reserved or impossible name, and unknown keys, naming each', () => {
    let error: unknown;
    try {
      load({ minimumVersions: { 'shop-ios': '1.2', unknown: '1.0.0', 'bad"name': '1.0.0' }, maximumVersions: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/clients\.minimumVersions\.shop-ios: expected a semantic version/);
    expect(problems).toMatch(/clients\.minimumVersions\.unknown: expected a client name/);
    expect(problems).toMatch(/clients\.minimumVersions\.bad"name: expected a client name/);
    expect(problems).toMatch(/clients: unknown key\(s\) maximumVersions/);
  });

  it('CLIENT_LABELS_MAX is an integer from 1 to 1000, 50 by default', () => {
    expect(loadAppConfig(base, { allowDevSecrets: true }).clientLabelsMax).toBe(50);
    expect(loadAppConfig({ ...base, CLIENT_LABELS_MAX: '200' }, { allowDevSecrets: true }).clientLabelsMax).toBe(200);
    expect(() => loadAppConfig({ ...base, CLIENT_LABELS_MAX: '0' }, { allowDevSecrets: true })).toThrow(/CLIENT_LABELS_MAX: expected an integer from 1 to 1000/);
  });
});
