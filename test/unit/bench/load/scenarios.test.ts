import { describe, expect, it } from 'vitest';
import { backendOnlyRequests, buildScenarios, seededUsers, type BenchRequest } from '../../../../bench/load/scenarios.js';

const counts = { viewers: 600, manyClients: 1500 };
// Stand-ins for signed tokens: token i belongs to viewer u(i+1).
const tokens = Array.from({ length: seededUsers(counts) }, (_, i) => `token-u${i + 1}`);
const viewerOf = (request: BenchRequest) => request.headers.authorization!.replace('Bearer token-', '');

describe('buildScenarios', () => {
  const scenarios = buildScenarios(tokens, counts, 300);

  it('the rotating scenarios cycle over exactly the first `viewers` viewers, each once per cycle', () => {
    for (const id of ['home', 'home-redis', 'fixed-rate', 'home-hung', 'hung-fixed-rate'] as const) {
      const viewers = scenarios[id].requests.map(viewerOf);
      expect(viewers, id).toHaveLength(600);
      expect(new Set(viewers).size, id).toBe(600);
      expect(viewers[0]).toBe('u1');
      expect(viewers.at(-1)).toBe('u600');
    }
  });

  it('small asks for every product and comes from every viewer', () => {
    const small = scenarios.small.requests;
    expect(small).toHaveLength(600);
    expect(new Set(small.map(viewerOf)).size).toBe(600);
    const products = new Set(small.map((r) => (JSON.parse(r.body!) as { variables: { id: string } }).variables.id));
    expect(products.size).toBe(500);
  });

  it('many clients: the viewers after the rotating ones, each exactly once, at the given rate', () => {
    const many = scenarios['many-clients'];
    expect(many).toMatchObject({ once: true, rate: 300, checkCount: 0 });
    const viewers = many.requests.map(viewerOf);
    expect(viewers).toHaveLength(1500);
    expect(new Set(viewers).size).toBe(1500);
    expect(viewers[0]).toBe('u601');
    expect(viewers.at(-1)).toBe('u2100');
    const rotating = new Set(scenarios.home.requests.map(viewerOf));
    expect(viewers.some((v) => rotating.has(v))).toBe(false);
  });

  it('checks at most 100 home answers per server, and refuses too few tokens', () => {
    expect(scenarios.home.checkCount).toBe(100);
    expect(scenarios['home-redis'].checkCount).toBe(100);
    expect(() => buildScenarios(tokens.slice(0, 2000), counts, 300)).toThrow(/2100 tokens needed/);
  });
});

describe('backendOnlyRequests', () => {
  it('the orders list of each rotating viewer', () => {
    const requests = backendOnlyRequests(600);
    expect(requests).toHaveLength(600);
    expect(requests[599]).toMatchObject({ method: 'GET', path: '/orders?userId=u600&limit=10', headers: { 'x-user-id': 'u600' } });
  });
});
