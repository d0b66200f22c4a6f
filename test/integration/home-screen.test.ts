import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-test-gateway.js';

const HOME = /* GraphQL */ `
  query Home {
    viewer {
      id
      name
      email
      avatarUrl
      orders(first: 5) {
        nodes { id status totalCents currency version updatedAt items { productId quantity unitPriceCents product { id name priceCents currency } } }
        pageInfo { endCursor hasNextPage }
      }
    }
    recommendations(first: 5) { id name priceCents }
  }
`;

interface BackendOrder {
  id: string;
  userId: string;
  status: string;
  totalCents: number;
  currency: string;
  version: number;
  updatedAt: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

describe('home screen over real HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('returns the viewer, their orders with items and products, and recommendations, as the backends hold them', async () => {
    const { status, body } = await t.gql(HOME, { as: 'u3' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();

    const user = await getJson<Record<string, unknown>>(`${t.backends.urls.users}/users/u3`);
    const orders = await getJson<{ items: BackendOrder[]; nextCursor: string | null }>(
      `${t.backends.urls.orders}/orders?userId=u3&limit=5`,
    );
    const productIds = [...new Set(orders.items.flatMap((o) => o.items.map((i) => i.productId)))];
    const products = await getJson<{ items: Record<string, unknown>[] }>(
      `${t.backends.urls.catalog}/products?ids=${productIds.join(',')}`,
    );
    const productById = new Map(products.items.map((p) => [p.id, p]));
    const recommended = await getJson<{ productIds: string[] }>(
      `${t.backends.urls.recommendations}/recommendations?userId=u3&limit=5`,
    );
    const recommendedProducts = await getJson<{ items: Record<string, unknown>[] }>(
      `${t.backends.urls.catalog}/products?ids=${recommended.productIds.join(',')}`,
    );
    const recommendedById = new Map(recommendedProducts.items.map((p) => [p.id, p]));

    expect(orders.items).toHaveLength(5);
    expect(body.data).toEqual({
      viewer: {
        id: 'u3',
        name: user.name,
        email: user.email,
        avatarUrl: user.avatarUrl,
        orders: {
          nodes: orders.items.map((o) => ({
            id: o.id,
            status: o.status,
            totalCents: o.totalCents,
            currency: o.currency,
            version: o.version,
            updatedAt: new Date(o.updatedAt).toISOString(),
            items: o.items.map((i) => {
              const p = productById.get(i.productId)!;
              return {
                productId: i.productId,
                quantity: i.quantity,
                unitPriceCents: i.unitPriceCents,
                product: { id: p.id, name: p.name, priceCents: p.priceCents, currency: p.currency },
              };
            }),
          })),
          pageInfo: { endCursor: orders.items[4]!.id, hasNextPage: true },
        },
      },
      recommendations: recommended.productIds.map((id) => {
        const p = recommendedById.get(id)!;
        return { id, name: p.name, priceCents: p.priceCents };
      }),
    });
  });

  it('pages through all 30 orders of a user with endCursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const { body } = await t.gql('query($after: String) { viewer { orders(first: 8, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } } }', {
        as: 'u9',
        variables: { after },
      });
      const orders = (body.data?.viewer as { orders: { nodes: { id: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }).orders;
      seen.push(...orders.nodes.map((n) => n.id));
      if (!orders.pageInfo.hasNextPage) break;
      after = orders.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect([...seen].sort()).toEqual(seen);
  });
});
