import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

/**
 * Model-free property: whatever happens (creates, updates, deletes, interleaved sync
 * pages of random sizes, responses lost on the way, orders backend outages), a client
 * that applies every page it receives and then drains `hasMore` holds exactly the
 * server's orders for its user.
 */

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 200);

const DELTA = 'query D($t: String, $n: Int) { ordersDelta(syncToken: $t, first: $n) { changed { id version status note } deletedIds syncToken hasMore } }';

interface Replica {
  token: string | null;
  orders: Map<string, string>;
}

type Command =
  | { kind: 'create'; products: number[] }
  | { kind: 'update'; pick: number; status: 'PAID' | 'SHIPPED' | 'CANCELLED'; viaGateway: boolean }
  | { kind: 'delete'; pick: number }
  | { kind: 'sync'; first: number; lost: boolean }
  | { kind: 'outage'; first: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), products: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    status: fc.constantFrom('PAID' as const, 'SHIPPED' as const, 'CANCELLED' as const),
    viaGateway: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('sync' as const), first: fc.integer({ min: 1, max: 5 }), lost: fc.boolean() }),
  fc.record({ kind: fc.constant('outage' as const), first: fc.integer({ min: 1, max: 5 }) }),
);

const fingerprint = (order: { version: number; status: string; note?: string | null }) =>
  `${order.version}|${order.status}|${order.note ?? ''}`;

describe('delta sync: the replica always converges to the server', () => {
  let t: TestGateway;
  let scenario = 0;
  let syncCalls = 0;
  beforeAll(async () => {
    // No retries and a breaker that never opens: outages are injected on purpose and
    // must surface as errors, fast, without tripping anything for the next steps.
    t = await startTestGateway(
      { UPSTREAM_MAX_RETRIES: '0' },
      { cache: false, gatewayConfig: { services: { orders: { breaker: { kind: 'consecutive', threshold: 1000 } } } } },
    );
  });
  afterAll(() => t.close());

  const ordersUrl = () => t.backends.urls.orders;

  async function serverOrders(userId: string): Promise<Map<string, string>> {
    const orders = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const url = `${ordersUrl()}/orders?userId=${userId}&limit=100${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await (await fetch(url)).json()) as { items: { id: string; version: number; status: string; note?: string | null }[]; nextCursor: string | null };
      for (const order of page.items) orders.set(order.id, fingerprint(order));
      cursor = page.nextCursor;
    } while (cursor !== null);
    return orders;
  }

  async function syncPage(userId: string, replica: Replica, first: number): Promise<{ ok: true; hasMore: boolean; apply(): void } | { ok: false; code: unknown }> {
    syncCalls += 1;
    const { body } = await t.gql(DELTA, { as: userId, variables: { t: replica.token, n: first } });
    if (body.errors !== undefined) return { ok: false, code: body.errors[0]?.extensions?.code };
    const page = body.data!.ordersDelta as {
      changed: { id: string; version: number; status: string; note: string | null }[];
      deletedIds: string[];
      syncToken: string;
      hasMore: boolean;
    };
    return {
      ok: true,
      hasMore: page.hasMore,
      apply() {
        for (const order of page.changed) replica.orders.set(order.id, fingerprint(order));
        for (const id of page.deletedIds) replica.orders.delete(id);
        replica.token = page.syncToken;
      },
    };
  }

  /** Drains a copy of the replica (the client's own state moves on untouched). */
  async function drained(userId: string, replica: Replica): Promise<Map<string, string>> {
    const copy: Replica = { token: replica.token, orders: new Map(replica.orders) };
    for (let pages = 0; pages < 200; pages += 1) {
      const page = await syncPage(userId, copy, 100);
      if (!page.ok) throw new Error(`sync failed while draining: ${String(page.code)}`);
      page.apply();
      if (!page.hasMore) return copy.orders;
    }
    throw new Error('hasMore never ended');
  }

  it(`holds for ${RUNS} random scenarios`, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 10 }), fc.nat({ max: 4 }), async (commands, seedOrders) => {
        scenario += 1;
        const userId = `prop-${scenario}-${Date.now().toString(36)}`;
        const ids: string[] = [];
        const create = async (products: number[]) => {
          const response = await fetch(`${ordersUrl()}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userId, items: products.map((p) => ({ productId: `p${p}`, quantity: 1 })) }),
          });
          ids.push(((await response.json()) as { id: string }).id);
        };
        for (let i = 0; i < seedOrders; i += 1) await create([i + 1]);
        const replica: Replica = { token: null, orders: new Map() };

        for (const step of commands) {
          switch (step.kind) {
            case 'create':
              await create(step.products);
              break;
            case 'update': {
              if (ids.length === 0) break;
              const id = ids[step.pick % ids.length]!;
              const current = (await (await fetch(`${ordersUrl()}/orders/${id}`)).json()) as { version?: number };
              if (current.version === undefined) break;
              if (step.viaGateway) {
                await t.gql('mutation($i: UpdateOrderInput!) { updateOrder(input: $i) { version } }', {
                  as: userId,
                  variables: { i: { id, expectedVersion: current.version, status: step.status, note: `v${current.version + 1}` } },
                });
              } else {
                await fetch(`${ordersUrl()}/orders/${id}`, {
                  method: 'PATCH',
                  headers: { 'content-type': 'application/json', 'if-match': String(current.version) },
                  body: JSON.stringify({ status: step.status }),
                });
              }
              break;
            }
            case 'delete': {
              if (ids.length === 0) break;
              const [id] = ids.splice(step.pick % ids.length, 1);
              await fetch(`${ordersUrl()}/orders/${id}`, { method: 'DELETE' });
              break;
            }
            case 'sync': {
              const page = await syncPage(userId, replica, step.first);
              // A lost response: the client never saw it and keeps its old token.
              if (page.ok && !step.lost) page.apply();
              if (!page.ok) throw new Error(`sync failed: ${String(page.code)}`);
              break;
            }
            case 'outage': {
              t.backends.orders.setFault({ mode: '503' });
              const page = await syncPage(userId, replica, step.first);
              t.backends.orders.clearFault();
              // No token is issued while the backend is down: the client keeps its own.
              expect(page).toEqual({ ok: false, code: 'SERVICE_UNAVAILABLE' });
              break;
            }
          }
          expect(await drained(userId, replica)).toEqual(await serverOrders(userId));
        }
      }),
      { numRuns: RUNS },
    );
    const seconds = (performance.now() - started) / 1000;
    // Quoted in the closing note and docs/sync.md.
    console.info(`delta-sync property: ${RUNS} scenarios, ${syncCalls} sync calls, ${seconds.toFixed(1)} s`);
  }, 170_000);
});
