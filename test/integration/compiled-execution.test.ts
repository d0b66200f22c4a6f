import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOME_QUERY } from '../../bench/load/queries.js';
import { parsePrometheus, sampleValue } from '../helpers/parse-prometheus.js';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

type Executor = 'jit' | 'standard';
type Fault = { service: 'users' | 'catalog' | 'orders' | 'recommendations'; fault: Parameters<TestGateway['backends']['users']['setFault']>[0] };

/** One request, sent alike to both gateways: POST by default, or GET (no token) for the public-cache case. */
interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** The viewer to sign a token for. @default "u1" */
  as?: string | null;
  get?: boolean;
  faults?: Fault[];
  /** APQ: the sha256 of `query`, sent as extensions.persistedQuery (with the query, then without). */
  persisted?: 'register' | 'hash-only';
  /** What the answer must say, beyond being the same from both executors. */
  check?(answer: Answer): void;
}

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: string;
}

const errorCodes = (answer: Answer): unknown[] => (JSON.parse(answer.body) as { errors?: { extensions?: { code?: string } }[] }).errors?.map((e) => e.extensions?.code) ?? [];

const CASES: Case[] = [
  { name: 'the home screen', query: HOME_QUERY },
  { name: 'a product page with a variable', query: 'query Product($id: ID!) { product(id: $id) { id name priceCents currency rating } }', variables: { id: 'p7' } },
  {
    name: 'aliases, fragments, merged fields, @skip/@include around one fragment',
    query:
      'query ($wide: Boolean!) { viewer { ...U id } a: product(id: "p1") @include(if: $wide) { ...P } b: product(id: "p2") @skip(if: $wide) { ...P } c: product(id: "p3") { name ... on Product { id } } } fragment U on User { name email } fragment P on Product { id name }',
    variables: { wide: true },
  },
  { name: 'recommendations down: partial data with the contract error', query: '{ viewer { id name } recommendations(first: 2) { id } }', faults: [{ service: 'recommendations', fault: { mode: '503', retryAfter: 7 } }] },
  {
    name: 'catalog failing: one error per list item, each with its path',
    query: '{ viewer { orders(first: 2) { nodes { id items { productId product { name } } } } } }',
    faults: [{ service: 'catalog', fault: { mode: '500' } }],
  },
  {
    name: 'a failing non-null field nulls its nullable parent (User.orders → viewer)',
    query: '{ viewer { id orders(first: 1) { nodes { id } } } product(id: "p1") { id } }',
    faults: [{ service: 'orders', fault: { mode: '500' } }],
  },
  {
    name: 'a failing non-null root field nulls data (ordersDelta)',
    query: '{ product(id: "p1") { id } ordersDelta(first: 5) { hasMore } }',
    faults: [{ service: 'orders', fault: { mode: '500' } }],
  },
  {
    name: 'one failing field selected twice: both locations',
    query: '{ recommendations(first: 2) { id } viewer { id } recommendations(first: 2) { name } }',
    faults: [{ service: 'recommendations', fault: { mode: 'reset' } }],
  },
  {
    name: 'FORBIDDEN: another user\'s order',
    query: '{ order(id: "o00002") { id } product(id: "p1") { id } }',
    check: (answer) => expect(errorCodes(answer)).toEqual(['FORBIDDEN']),
  },
  {
    name: 'UNAUTHENTICATED without a token, public fields still answer',
    query: '{ viewer { id } product(id: "p1") { id name } }',
    as: null,
    check: (answer) => expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']),
  },
  {
    name: 'BAD_USER_INPUT from a resolver',
    query: '{ recommendations(first: 0) { id } viewer { id } }',
    check: (answer) => expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']),
  },
  {
    name: 'field rate limit: the fields over the limit fail, the others answer',
    query: '{ products(ids: ["p1", "p2", "p3", "p4", "p5"]) { id image(width: 64) { url } } }',
    check: (answer) => expect(errorCodes(answer)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']),
  },
  {
    name: 'a deprecated field: Deprecation and Sunset headers',
    query: '{ product(id: "p1") { id imageUrl } }',
    check: (answer) => expect(answer.headers.deprecation).toBe('true'),
  },
  {
    name: 'an anonymous public GET: Cache-Control public',
    query: '{ product(id: "p9") { id name priceCents } }',
    as: null,
    get: true,
    check: (answer) => expect(answer.headers['cache-control']).toBe('public, max-age=60'),
  },
  { name: 'a bad variable: 400', query: 'query ($id: ID!) { product(id: $id) { id } }', variables: { id: { nested: true } } },
  { name: 'a missing variable: 400', query: 'query ($first: Int!) { recommendations(first: $first) { id } }', variables: {} },
  { name: 'an unknown operation name: 400', query: 'query A { viewer { id } }', variables: {}, as: 'u1' },
  { name: 'APQ registration', query: '{ product(id: "p4") { id name } }', persisted: 'register' },
  { name: 'APQ by hash only', query: '{ product(id: "p4") { id name } }', persisted: 'hash-only' },
];

/** Headers that carry behaviour an app or a cache sees. */
const COMPARED_HEADERS = ['content-type', 'cache-control', 'retry-after', 'deprecation', 'sunset', 'vary', 'etag'];

describe('compiled and standard execution answer alike, byte for byte', () => {
  const gateways = {} as Record<Executor, TestGateway>;
  beforeAll(async () => {
    const start = (executor: Executor) =>
      startTestGateway(
        { GATEWAY_EXECUTOR: executor, UPSTREAM_MAX_RETRIES: '0', UPSTREAM_TIMEOUT_MS: '500' },
        { cache: false, gatewayConfig: { rateLimits: { 'Product.image': { max: 3, window: '1h' } } } },
      );
    [gateways.jit, gateways.standard] = await Promise.all([start('jit'), start('standard')]);
  });
  afterEach(() => {
    for (const t of Object.values(gateways)) for (const name of ['users', 'catalog', 'orders', 'recommendations'] as const) t.backends[name].clearFault();
  });
  afterAll(async () => {
    await Promise.all(Object.values(gateways).map((t) => t?.close()));
  });

  const send = async (t: TestGateway, c: Case): Promise<Answer> => {
    for (const { service, fault } of c.faults ?? []) t.backends[service].setFault(fault);
    const headers: Record<string, string> = { accept: 'application/graphql-response+json' };
    const as = c.as === undefined ? 'u1' : c.as;
    if (as !== null) headers.authorization = `Bearer ${await t.token(as)}`;
    const extensions = c.persisted === undefined ? undefined : { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(c.query).digest('hex') } };
    const body = { ...(c.persisted === 'hash-only' ? {} : { query: c.query }), variables: c.variables, ...(extensions === undefined ? {} : { extensions }), ...(c.name.includes('unknown operation') ? { operationName: 'B' } : {}) };
    const response = c.get
      ? await fetch(`${t.url}/graphql?query=${encodeURIComponent(c.query)}`, { headers })
      : await fetch(`${t.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)])),
      // The request id is the only thing that differs by design.
      body: text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"'),
    };
  };

  it.each(CASES)('$name', async (c) => {
    const standard = await send(gateways.standard, c);
    const jit = await send(gateways.jit, c);
    expect(jit).toEqual(standard);
    // Each case answers what its name says (parity of two wrong answers would prove nothing).
    if (/400/.test(c.name)) expect(jit.status).toBe(400);
    else expect(jit.status).toBe(200);
    if (c.faults !== undefined) expect(JSON.parse(jit.body).errors.length).toBeGreaterThan(0);
    c.check?.(jit);
  });

  it('the null propagation cases answer as the spec says', async () => {
    const viewerGone = JSON.parse((await send(gateways.jit, CASES.find((c) => c.name.startsWith('a failing non-null field'))!)).body);
    expect(viewerGone.data).toEqual({ viewer: null, product: { id: 'p1' } });
    expect(viewerGone.errors).toEqual([
      {
        message: 'orders failed to answer',
        locations: [{ line: 1, column: 15 }],
        path: ['viewer', 'orders'],
        extensions: { code: 'UPSTREAM_ERROR', service: 'orders', retryable: true, retryAfter: 1 },
      },
    ]);
    const dataGone = JSON.parse((await send(gateways.jit, CASES.find((c) => c.name.startsWith('a failing non-null root'))!)).body);
    expect(dataGone.data).toBeNull();
    expect(dataGone.errors).toEqual([expect.objectContaining({ path: ['ordersDelta'], extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }) })]);
  });

  it('counts which executor ran each operation, every series present', async () => {
    const read = async (t: TestGateway) => parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
    const jit = await read(gateways.jit);
    const standard = await read(gateways.standard);
    const count = (samples: ReturnType<typeof parsePrometheus>, executor: string, reason: string) =>
      sampleValue(samples, 'gateway_execution_total', { executor, reason });
    expect(count(jit, 'jit', 'compiled')).toBeGreaterThan(10);
    expect(count(jit, 'standard', 'invalid_variables')).toBe(2);
    expect(count(jit, 'standard', 'configured')).toBe(0);
    expect(count(standard, 'standard', 'configured')).toBeGreaterThan(10);
    expect(count(standard, 'jit', 'compiled')).toBe(0);
    for (const reason of ['subscription', 'incremental', 'not_compilable']) expect(count(jit, 'standard', reason)).toBeDefined();
    // The test gateways compile at once (compileAfterRuns 0).
    expect(count(jit, 'standard', 'not_yet_compiled')).toBe(0);
    expect(sampleValue(jit, 'gateway_compiled_operations')).toBeGreaterThan(5);
    expect(sampleValue(standard, 'gateway_compiled_operations')).toBe(0);
  });

  it('runs @defer on the standard executor, and says so', async () => {
    const t = gateways.jit;
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${await t.token('u1')}` },
      body: JSON.stringify({ query: '{ viewer { id } ... @defer { product(id: "p1") { id } } }' }),
    });
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    expect(await response.text()).toContain('"hasNext":false');
    const samples = parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
    expect(sampleValue(samples, 'gateway_execution_total', { executor: 'standard', reason: 'incremental' })).toBe(1);
  });
});

describe('compiled execution as production configures it: an operation compiles on its second run', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { gatewayConfig: { execution: { compileAfterRuns: 1 } } });
  });
  afterAll(() => t?.close());

  it('runs a document on the standard executor once, then compiled; a document sent once is never compiled', async () => {
    const executions = async () => {
      const samples = parsePrometheus(await (await fetch(`${t.url}/metrics`)).text());
      return {
        compiled: sampleValue(samples, 'gateway_execution_total', { executor: 'jit', reason: 'compiled' }),
        first: sampleValue(samples, 'gateway_execution_total', { executor: 'standard', reason: 'not_yet_compiled' }),
        kept: sampleValue(samples, 'gateway_compiled_operations'),
      };
    };
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push((await t.gql('{ product(id: "p1") { id name } }')).body);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(await executions()).toEqual({ compiled: 2, first: 1, kept: 1 });
    // Whitespace variants: each a new text, each run once, none compiled.
    for (let i = 1; i <= 5; i += 1) await t.gql(`{ product(id: "p1") {${' '.repeat(i)}id } }`);
    expect(await executions()).toEqual({ compiled: 2, first: 6, kept: 1 });
  });
});

