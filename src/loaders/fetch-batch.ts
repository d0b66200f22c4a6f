import type { CallContext } from '../upstream/call-context.js';
import { expectArrayField, expectEntity } from '../upstream/expect-json.js';
import type { ServiceClient } from '../upstream/service-client.js';

/**
 * One call to a batch endpoint of the backend contract (`GET /products?ids=a,b` →
 * `{ items: [...] }`): the entities by id; ids the backend does not know are absent.
 */
export async function fetchBatch<T extends { id: string }>(
  client: ServiceClient,
  path: string,
  ids: readonly string[],
  call: CallContext,
  check: (service: string, value: unknown) => T = expectEntity,
): Promise<Map<string, T>> {
  const response = await client.request({ method: 'GET', path: `${path}?ids=${ids.map(encodeURIComponent).join(',')}` }, call);
  const entities = new Map<string, T>();
  for (const item of expectArrayField(client.name, response.body, 'items')) {
    const entity = check(client.name, item);
    entities.set(entity.id, entity);
  }
  return entities;
}
