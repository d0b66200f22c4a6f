import type { Clock } from '../clock.js';
import type { Plugin } from 'graphql-yoga';
import { createRequestDeadline, type RequestDeadline } from '../upstream/request-deadline.js';
import { parseRequestTimeout, REQUEST_TIMEOUT_HEADER } from '../upstream/request-timeout-header.js';

/**
 * Gives each GraphQL request one time budget (see `createRequestDeadline`), started
 * when its context is built and cleared when its response is sent. An incremental
 * answer (`@defer`: multipart/mixed or event-stream) is still running when its response
 * starts, so its deadline is left to fire: deferred work ends by the deadline like any
 * other, and the timer (unref'd) is gone at the latest then.
 *
 * A client that sends `X-Request-Timeout-Ms` (its own time left) gets the smaller of that
 * and `budgetMs`: work it can no longer use is not done.
 */
export function useRequestDeadline(budgetMs: number, now?: Clock): Plugin & { start(request: Request): RequestDeadline } {
  const deadlines = new WeakMap<Request, RequestDeadline>();
  return {
    start(request) {
      const clientBudgetMs = parseRequestTimeout(request.headers.get(REQUEST_TIMEOUT_HEADER));
      const deadline = createRequestDeadline(Math.min(budgetMs, clientBudgetMs ?? budgetMs), request.signal, now);
      deadlines.set(request, deadline);
      return deadline;
    },
    onResponse({ request, response }) {
      const type = response.headers.get('content-type') ?? '';
      if (type.startsWith('multipart/mixed') || type.startsWith('text/event-stream')) return;
      deadlines.get(request)?.dispose();
    },
  };
}
