import type { Plugin } from 'graphql-yoga';
import { createRequestDeadline, type RequestDeadline } from '../upstream/request-deadline.js';

/**
 * Gives each GraphQL request one time budget (see `createRequestDeadline`),
 * started when its context is built and cleared when its response is sent.
 */
export function useRequestDeadline(budgetMs: number): Plugin & { start(request: Request): RequestDeadline } {
  const deadlines = new WeakMap<Request, RequestDeadline>();
  return {
    start(request) {
      const deadline = createRequestDeadline(budgetMs, request.signal);
      deadlines.set(request, deadline);
      return deadline;
    },
    onResponse({ request }) {
      deadlines.get(request)?.dispose();
    },
  };
}
