import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useErrorRequestIds } from '../../src/plugins/use-error-request-ids.js';
import { useRequestIdHeader } from '../../src/plugins/use-request-id-header.js';
import { useStandaloneRequestScope } from '../helpers/standalone-request-scope.js';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';
import { EXECUTORS } from '../../src/execution/execution-settings.js';

/** An order as the orders backend lists it, with one item the gateway cannot make sense of. */
const lyingOrder = (item: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'o1',
  userId: 'u1',
  status: 'PAID',
  items: [item],
  totalCents: 100,
  currency: 'EUR',
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe.each(EXECUTORS)('NODE_ENV=production (%s executor)', (executor) => {
  let t: TestGateway;
  let lyingOrders: Server;
  /** What the lying orders backend lists next. */
  let listed: unknown = { items: [], nextCursor: null };
  beforeAll(async () => {
    // The orders backend is replaced by one that answers whatever the test says.
    lyingOrders = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(listed));
    });
    await new Promise<void>((resolve) => lyingOrders.listen(0, '127.0.0.1', resolve));
    const { port } = lyingOrders.address() as AddressInfo;
    t = await startTestGateway(
      { GATEWAY_EXECUTOR: executor, NODE_ENV: 'production' },
      { cache: false, gatewayConfig: { services: { orders: { url: `http://127.0.0.1:${port}` } } } },
    );
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => lyingOrders.close(() => resolve()));
  });

  it('runs with production settings', () => {
    expect(t.config.production).toBe(true);
    expect(t.config.usingDevSecrets).toBe(false);
  });

  it('refuses introspection with 400 and validation errors', async () => {
    const { status, body } = await t.gql('{ __schema { types { name } } }');
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
      {
        message: 'GraphQL introspection has been disabled, but the requested query contained the field "types".',
        locations: [{ line: 1, column: 14 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
    const single = await t.gql('{ __type(name: "Order") { fields { name } } }');
    expect(single.status).toBe(400);
    expect(single.body.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('still answers { __typename }', async () => {
    const { status, body } = await t.gql('{ __typename }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('gives no "Did you mean" suggestion for a typo', async () => {
    for (const [query, message] of [
      ['{ produc(id: "p1") { id } }', 'Cannot query field "produc" on type "Query".'],
      ['{ product(id: "p1") { nam } }', 'Cannot query field "nam" on type "Product".'],
    ] as const) {
      const { status, body } = await t.gql(query);
      expect(status).toBe(400);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.message).toBe(message);
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
    }
  });

  it('gives no suggestion for a mistyped argument, type or fragment type condition either', async () => {
    for (const query of [
      '{ product(idd: "p1") { id } }',
      'query($id: Ii!) { product(id: $id) { id } }',
      '{ ...F } fragment F on Quer { __typename }',
    ]) {
      const { status, body } = await t.gql(query);
      expect(status).toBe(400);
      expect(body.errors!.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
    }
  });

  // graphql-js suggests enum values and input fields again when it coerces literals and
  // variables; armor's plugin only masked field suggestions.
  it('gives no suggestion for a mistyped enum value or input field, literal or variable', async () => {
    const update = 'mutation($i: UpdateOrderInput!) { updateOrder(input: $i) { id } }';
    for (const [query, variables, message] of [
      ['mutation { updateOrder(input: { id: "o1-1", expectedVersion: 1, status: PAIDD }) { id } }', undefined, 'Value "PAIDD" does not exist in "OrderStatus" enum.'],
      [
        'mutation($s: OrderStatus) { updateOrder(input: { id: "o1-1", expectedVersion: 1, status: $s }) { id } }',
        { s: 'PAIDD' },
        'Variable "$s" got invalid value "PAIDD"; Value "PAIDD" does not exist in "OrderStatus" enum.',
      ],
      [
        update,
        { i: { id: 'o1-1', expectedVersion: 1, stauts: 'PAID' } },
        'Variable "$i" got invalid value { id: "o1-1", expectedVersion: 1, stauts: "PAID" }; Field "stauts" is not defined by type "UpdateOrderInput".',
      ],
    ] as const) {
      const { status, body } = await t.gql(query, { as: 'u1', ...(variables === undefined ? {} : { variables }) });
      expect(status).toBe(400);
      expect(body.errors!.map((error) => error.message)).toEqual([message]);
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
    }
  });

  it('does not serve GraphiQL (GET /graphql for text/html: 406, no HTML)', async () => {
    const response = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(406);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(await response.text()).not.toMatch(/<html|graphiql/i);
  });

  /** POSTs as u1 and returns the raw response. */
  const postAsU1 = async (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${await t.token('u1')}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const TOTAL_QUERY = '{ viewer { orders(first: 1) { nodes { id totalCents } } } }';
  /** A backend lie only the schema's types catch (expect-json.ts leaves them to it): totalCents is not an Int. */
  const listNonIntegerTotal = () => {
    listed = { items: [lyingOrder({ productId: 'p1', quantity: 1, unitPriceCents: 100 }, { totalCents: 'lots' })], nextCursor: null };
  };

  it('an unexpected error (a backend lie caught by the schema) is masked, with the request id, and logged', async () => {
    listNonIntegerTotal();
    const response = await postAsU1({ query: TOTAL_QUERY });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.status).toBe(200);
    const body = (await response.json()) as GraphQLResponseBody;
    // totalCents is non-null all the way up to the nullable viewer.
    expect(body).toEqual({
      data: { viewer: null },
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 42 }],
          path: ['viewer', 'orders', 'nodes', 0, 'totalCents'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
    // The details stay in the logs.
    expect(t.logs.some((line) => JSON.stringify(line).includes('Int cannot represent non-integer value: \\"lots\\"'))).toBe(true);
  });

  // Regression (was broken, now fixed): useErrorRequestIds promises that the request id "leads an operator straight to
  // the log lines of that request", but yoga's error log line (gateway.ts `logging.error`, on the
  // root logger) carries no requestId: only the access-log line has it, and that has no error details.
  it('the log line with the details of a masked error carries the request id', async () => {
    listNonIntegerTotal();
    const response = await postAsU1({ query: TOTAL_QUERY });
    const requestId = response.headers.get('x-request-id');
    await response.text();
    const detail = t.logs.find((line) => line.requestId === requestId && JSON.stringify(line).includes('Int cannot represent'));
    expect(detail).toBeDefined();
  });

  // Regression (was broken, now fixed): use-error-request-ids.ts returns early when the result is an array, so in a
  // batched request (batching is on, up to 10) a masked error carries no requestId.
  it('a masked error in a batched request carries the request id too', async () => {
    listNonIntegerTotal();
    const response = await postAsU1([{ query: TOTAL_QUERY }, { query: '{ __typename }' }]);
    const requestId = response.headers.get('x-request-id');
    const results = (await response.json()) as GraphQLResponseBody[];
    expect(results[1]).toEqual({ data: { __typename: 'Query' } });
    expect(results[0]!.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId });
  });

  // Regression (was broken, now fixed): errors inside a @defer part are not masked at all in production: the
  // incremental payload carries graphql-js' own message ("Int cannot represent non-integer value:
  // \"lots\"", i.e. the backend's data) with no code, where a non-deferred query gets
  // "Unexpected error." INTERNAL_SERVER_ERROR.
  it('an unexpected error in a deferred part is masked like any other', async () => {
    listNonIntegerTotal();
    const response = await postAsU1(
      { query: '{ __typename ... @defer { viewer { orders(first: 1) { nodes { id totalCents } } } } }' },
      { accept: 'multipart/mixed' },
    );
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const text = await response.text();
    expect(text).toContain('"hasNext":false');
    expect(text).not.toContain('cannot represent');
    expect(text).toContain('INTERNAL_SERVER_ERROR');
  });

  // Regression (was broken, now fixed): expect-json.ts says a 200 body of the wrong shape must surface as bad_body
  // (UPSTREAM_ERROR) "rather than as a TypeError deep in a resolver"; but expectOrder checks only
  // that `items` is an array, so an item without productId reaches OrderItem.product, where
  // DataLoader throws a TypeError (load(undefined)): INTERNAL_SERVER_ERROR with no service.
  it('an order item without productId is UPSTREAM_ERROR from orders, not a TypeError in a resolver', async () => {
    listed = { items: [lyingOrder({ quantity: 1 })], nextCursor: null };
    const { body } = await t.gql('{ viewer { orders(first: 1) { nodes { items { product { id } } } } } }', { as: 'u1' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'orders' });
  });

  // Regression (was broken, now fixed): the commit "never expose error internals to clients" does not cover yoga's
  // request parser: an invalid JSON body is answered, in production, with
  // extensions.originalError = { name: 'SyntaxError', message: <V8's JSON.parse message echoing the body> }.
  it('an invalid JSON body is answered without the parser internals', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponseBody;
    expect(body.errors).toEqual([{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('useErrorRequestIds on a yoga server of its own', () => {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { boom: String, forbidden: String, fine: String }',
      resolvers: {
        Query: {
          boom: () => {
            throw new Error('boom: secret detail');
          },
          forbidden: () => {
            throw new GraphQLError('Not yours', { extensions: { code: 'FORBIDDEN' } });
          },
          fine: () => 'ok',
        },
      },
    }),
    logging: false,
    maskedErrors: { isDev: false },
    plugins: [useStandaloneRequestScope(), useRequestIdHeader(), useErrorRequestIds()],
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify(body),
    });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR with extensions.requestId = x-request-id', async () => {
    const response = await post({ query: '{ boom fine }' });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      data: { boom: null, fine: 'ok' },
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['boom'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
  });

  it("uses the client's acceptable X-Request-ID", async () => {
    const response = await post({ query: '{ boom }' }, { 'x-request-id': 'app-req-42' });
    expect(response.headers.get('x-request-id')).toBe('app-req-42');
    const body = (await response.json()) as GraphQLResponseBody;
    expect(body.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'app-req-42' });
  });

  it('leaves expected errors (a code of their own) and successes alone', async () => {
    const response = await post({ query: '{ forbidden fine }' });
    expect(await response.json()).toEqual({
      data: { forbidden: null, fine: 'ok' },
      errors: [{ message: 'Not yours', locations: [{ line: 1, column: 3 }], path: ['forbidden'], extensions: { code: 'FORBIDDEN' } }],
    });
    expect(await (await post({ query: '{ fine }' })).json()).toEqual({ data: { fine: 'ok' } });
  });
});
