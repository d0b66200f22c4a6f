/**
 * The list paths the code-defined services call on their backends
 * (docs/backend-contract.md). A module without imports, so that another caller of the
 * same backends — the benchmark's hand-written BFF and its "backends alone" comparator,
 * which load no gateway code — asks for exactly what the gateway asks for.
 */

/** A page of a user's orders, newest first (`nextCursor` in the answer continues it). */
export function ordersListPath(userId: string, limit: number, cursor: string | null = null): string {
  const path = `/orders?userId=${encodeURIComponent(userId)}&limit=${limit}`;
  return cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
}

/** Up to `limit` product ids recommended to a user, best first. */
export function recommendationsPath(userId: string, limit: number): string {
  return `/recommendations?userId=${encodeURIComponent(userId)}&limit=${limit}`;
}
