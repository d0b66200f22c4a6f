import type { CallContext } from '../src/index.js';
import type { OrderRecord, OrdersService } from './orders-service.js';
import { foldOrderChanges } from './fold-order-changes.js';
import type { SyncPosition } from '../src/index.js';

export interface DeltaPage {
  changed: OrderRecord[];
  deletedIds: string[];
  /** Where the next call starts; encoded into the new sync token. */
  next: SyncPosition;
  hasMore: boolean;
}

export type DeltaOutcome = { outcome: 'page'; page: DeltaPage } | { outcome: 'feed_compacted' };

/** A position past any feed: asking the feed for changes after it returns only `latestSeq`. */
const FEED_HEAD = Number.MAX_SAFE_INTEGER;

/**
 * One page of the delta-sync protocol for `userId`:
 *
 * - no position: initial sync. Note where the change feed stands (S), then list the
 *   user's orders by id, `first` at a time (snapshot phase). Any change made while the
 *   snapshot is under way has a seq above S, so the feed phase, which resumes at S,
 *   delivers it: nothing made during the initial sync is lost (some orders may arrive
 *   twice, which is harmless: the app upserts).
 * - snapshot position: the next snapshot page after `cursor`.
 * - feed position: the user's changes after `seq`, folded (latest version per order,
 *   deletes as ids).
 *
 * The next position only moves past what this page delivered, so a client that lost a
 * response and sends its previous token again gets the same page again.
 */
export async function nextDeltaPage(
  orders: OrdersService,
  userId: string,
  position: SyncPosition | null,
  first: number,
  call: CallContext,
): Promise<DeltaOutcome> {
  if (position === null || position.phase === 'snapshot') {
    let startSeq: number;
    if (position === null) {
      const head = await orders.getChanges(userId, FEED_HEAD, 1, call);
      if ('outcome' in head) return head;
      startSeq = head.latestSeq;
    } else {
      startSeq = position.seq;
    }
    const page = await orders.listOrders(userId, first, position?.cursor ?? null, call);
    const last = page.items[page.items.length - 1];
    if (page.nextCursor !== null && last !== undefined) {
      return { outcome: 'page', page: { changed: page.items, deletedIds: [], next: { phase: 'snapshot', seq: startSeq, cursor: last.id }, hasMore: true } };
    }
    // Snapshot done. Changes made meanwhile come from the feed, starting where the snapshot began.
    const since = await orders.getChanges(userId, startSeq, 1, call);
    if ('outcome' in since) return since;
    return {
      outcome: 'page',
      page: { changed: page.items, deletedIds: [], next: { phase: 'feed', seq: startSeq }, hasMore: since.changes.length > 0 },
    };
  }

  const feed = await orders.getChanges(userId, position.seq, first, call);
  if ('outcome' in feed) return feed;
  const { changed, deletedIds } = foldOrderChanges(feed.changes);
  const lastDelivered = feed.changes.length > 0 ? feed.changes[feed.changes.length - 1]!.seq : position.seq;
  // With nothing more for this user, the feed's head is a safe resume point: the backend
  // answered from one consistent state. Otherwise only past what this page delivered.
  const seq = feed.hasMore ? lastDelivered : Math.max(lastDelivered, feed.latestSeq);
  return { outcome: 'page', page: { changed, deletedIds, next: { phase: 'feed', seq }, hasMore: feed.hasMore } };
}
