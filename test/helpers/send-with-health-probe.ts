import type { GraphQLResponseBody } from './start-test-gateway.js';

export interface ProbedAnswer {
  answer: { status: number; body: GraphQLResponseBody; ms: number };
  /** GET /health sent at the same moment: a frozen event loop would hold it back. */
  probe: { status: number; ms: number };
}

/** Sends `query` anonymously (GET or POST) with a /health probe beside it, and times both. */
export async function sendWithHealthProbe(baseUrl: string, method: 'GET' | 'POST', query: string): Promise<ProbedAnswer> {
  const started = performance.now();
  const answer = (async () => {
    const response =
      method === 'GET'
        ? await fetch(`${baseUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/graphql-response+json' } })
        : await fetch(`${baseUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
            body: JSON.stringify({ query }),
          });
    return { status: response.status, body: (await response.json()) as GraphQLResponseBody, ms: performance.now() - started };
  })();
  const probe = (async () => {
    const response = await fetch(`${baseUrl}/health`);
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  })();
  return { answer: await answer, probe: await probe };
}
