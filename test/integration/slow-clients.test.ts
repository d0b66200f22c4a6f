import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/** Opens a socket, writes `text` and never finishes the request; resolves with what the server sent and when it closed. */
function trickle(url: string, text: string): Promise<{ answer: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, closedAfterMs: performance.now() - started }));
  });
}

describe('slow clients are cut, not kept for minutes', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { gatewayConfig: { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } } });
  });
  afterAll(() => t.close());

  it('a client that never finishes its headers gets 408 and a closed socket after headersTimeoutMs', async () => {
    const { answer, closedAfterMs } = await trickle(t.url, 'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: appl');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(250);
    // Node's default would have kept it 60 s; the bound is loose for a busy CI machine.
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('a client that never finishes its body gets 408 after requestTimeoutMs', async () => {
    const head = 'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"query":';
    const { answer, closedAfterMs } = await trickle(t.url, head);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(550);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('serves ordinary requests meanwhile', async () => {
    const slow = trickle(t.url, 'GET /health HTTP/1.1\r\n');
    const { body } = await t.gql('{ product(id: "p2") { id } }');
    expect(body.data).toEqual({ product: { id: 'p2' } });
    expect((await slow).answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
