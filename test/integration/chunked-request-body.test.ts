import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponseBody, type TestGateway } from '../helpers/start-test-gateway.js';

interface ChunkedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * POSTs `chunks` with node:http, `Transfer-Encoding: chunked` and no Content-Length,
 * one write per chunk, each after the previous was flushed; stops writing once the
 * answer has arrived (a gateway may answer before the body is over). With `end: false`
 * the body is never finished: only an answer given while it still arrives can come.
 */
function postChunked(
  url: string,
  chunks: readonly string[],
  options: { headers?: Record<string, string>; end?: boolean } = {},
): Promise<ChunkedAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      `${url}/graphql`,
      { method: 'POST', agent: false, headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          'transfer-encoding': 'chunked',
          ...options.headers,
        },
      },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) });
        });
      },
    );
    // The gateway closes the connection after a 413 while the body is still coming: the
    // client may see EPIPE/ECONNRESET on its next write, after the answer or before it.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const writeFrom = (index: number) => {
      if (answered || req.destroyed) return;
      if (index === chunks.length) {
        if (options.end !== false) req.end();
        return;
      }
      req.write(chunks[index]!, () => writeFrom(index + 1));
    };
    writeFrom(0);
  });
}

describe('request bodies sent with Transfer-Encoding: chunked', () => {
  let t: TestGateway;
  let bearer: string;
  beforeAll(async () => {
    t = await startTestGateway();
    bearer = `Bearer ${await t.token('u1')}`;
  });
  afterAll(() => t.close());

  it('a small chunked query answers 200 with its data (no 411)', async () => {
    const answer = await postChunked(t.url, ['{"query":"{ product(id: ', '\\"p1\\") { id } }"', '}'], { headers: { authorization: bearer } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { product: { id: 'p1' } } });
  });

  it('a chunked body of exactly the limit (64 KiB) is read and answered', async () => {
    const head = '{"query":"{ product(id: \\"p1\\") { id } }","variables":{"pad":"';
    const tail = '"}}';
    const pad = 'x'.repeat(64 * 1024 - head.length - tail.length);
    const answer = await postChunked(t.url, [head, pad.slice(0, 30_000), pad.slice(30_000), tail], { headers: { authorization: bearer } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { product: { id: 'p1' } } });
  });

  it('one byte more than the limit, even a body that ends, is 413 (no 411): the limit counts the bytes', async () => {
    t.resetBackendStats();
    const head = '{"query":"{ product(id: \\"p1\\") { id } }","variables":{"pad":"';
    const tail = '"}}';
    const pad = 'x'.repeat(64 * 1024 + 1 - head.length - tail.length);
    const answer = await postChunked(t.url, [head, pad.slice(0, 30_000), pad.slice(30_000), tail], { headers: { authorization: bearer } });
    expect(answer.status).toBe(413);
    expect((answer.body as GraphQLResponseBody).errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(t.backends.catalog.stats().requests).toBe(0);
  });

  it('a chunked body over limits.maxBodyBytes gets 413 REQUEST_ENTITY_TOO_LARGE as it arrives; the server stays up', async () => {
    t.resetBackendStats();
    // 128 KiB in 16 KiB chunks, and the body never ends: only counting as bytes arrive answers.
    const chunks = ['{"query":"{ product(id: \\"p1\\") { id } }","variables":{"pad":"', ...Array.from({ length: 8 }, () => 'x'.repeat(16 * 1024))];
    const answer = await postChunked(t.url, chunks, { headers: { authorization: bearer }, end: false });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toEqual({
      errors: [{ message: 'Request body too large: at most 65536 bytes', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', retryable: false } }],
    });
    expect(t.backends.catalog.stats().requests).toBe(0);
    expect(t.logs.filter((line) => line.msg === 'request handler failed')).toEqual([]);

    const after = await t.gql('{ product(id: "p1") { id } }', { as: 'u1' });
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ data: { product: { id: 'p1' } } } satisfies GraphQLResponseBody);
  });

  it('an empty chunked body is an ordinary bad request, not 411', async () => {
    const answer = await postChunked(t.url, [], { headers: { authorization: bearer } });
    expect(answer.status).toBe(400);
    expect((answer.body as GraphQLResponseBody).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
