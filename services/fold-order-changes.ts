import type { OrderChange, OrderRecord } from './orders-service.js';

export interface FoldedChanges {
  /** Each changed order once, in its latest version. */
  changed: OrderRecord[];
  /** Orders whose last change in the page is a delete. */
  deletedIds: string[];
}

/**
 * Collapses a page of the change feed into what the app must apply: the last
 * change of each order wins, so an order created and deleted within one page is
 * only in `deletedIds`, and an order changed twice appears once.
 */
export function foldOrderChanges(changes: readonly OrderChange[]): FoldedChanges {
  const last = new Map<string, OrderChange>();
  for (const change of changes) {
    // Delete then re-insert keeps Map order = order of each id's latest change.
    last.delete(change.id);
    last.set(change.id, change);
  }
  const changed: OrderRecord[] = [];
  const deletedIds: string[] = [];
  for (const change of last.values()) {
    if (change.op === 'delete') deletedIds.push(change.id);
    else if (change.order !== undefined) changed.push(change.order);
  }
  return { changed, deletedIds };
}
