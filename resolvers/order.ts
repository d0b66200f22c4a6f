import { badUserInput, conflict, connectorLoader, forbidden, notFound, requireViewer } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';
import type { OrderPatch } from '../services/orders-service.js';
import type { UserRecord } from '../services/records.js';
import { USERS_BY_ID } from './connector-lookups.js';

const MAX_NOTE_LENGTH = 500;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export const orderResolvers: Resolvers = {
  Query: {
    order: async (_parent, { id }, ctx) => {
      const viewerId = requireViewer(ctx);
      const order = await ctx.loaders.order.load(id);
      if (order !== null && order.userId !== viewerId) throw forbidden('This order belongs to another user');
      return order;
    },
  },
  Mutation: {
    updateOrder: async (_parent, { input }, ctx) => {
      const viewerId = requireViewer(ctx);
      const patch: OrderPatch = {};
      if (input.status !== undefined && input.status !== null) patch.status = input.status;
      if (input.note !== undefined) {
        if (input.note !== null && input.note.length > MAX_NOTE_LENGTH) {
          throw badUserInput(`note may hold at most ${MAX_NOTE_LENGTH} characters`, {
            argument: 'input.note',
            max: MAX_NOTE_LENGTH,
            actual: input.note.length,
          });
        }
        patch.note = input.note;
      }
      if (patch.status === undefined && patch.note === undefined) {
        throw badUserInput('Nothing to update: give status or note', { argument: 'input' });
      }
      if (!Number.isInteger(input.expectedVersion) || input.expectedVersion < 1) {
        throw badUserInput('expectedVersion must be a positive integer', { argument: 'input.expectedVersion' });
      }
      const key = input.idempotencyKey ?? null;
      if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
        throw badUserInput('idempotencyKey must be 1-128 letters, digits or ._:-', { argument: 'input.idempotencyKey' });
      }

      // Ownership is decided here, not left to the backend's 403: internal services behind
      // a BFF often believe X-User-Id without checking it (docs/backend-contract.md lists no 403).
      // The order comes through the request's loader, so from the orders cache when one is
      // configured, possibly old or a stale stand-in: fine for this check, because an order
      // never changes owner. A copy of an order deleted since passes here and the backend's
      // 404 answers below; no negative cache exists, so a new order is never refused here.
      const current = await ctx.loaders.order.load(input.id);
      if (current === null) throw notFound(`Order ${input.id} does not exist`);
      if (current.userId !== viewerId) throw forbidden('This order belongs to another user');

      const result = await ctx.services.orders.updateOrder(input.id, input.expectedVersion, patch, key, ctx.call);
      switch (result.outcome) {
        case 'updated':
          ctx.loaders.order.clear(result.order.id).prime(result.order.id, result.order);
          return result.order;
        case 'conflict':
          throw conflict(
            `Order ${input.id} changed since version ${input.expectedVersion}: reload it and try again`,
            result.currentVersion,
          );
        case 'not_found':
          throw notFound(`Order ${input.id} does not exist`);
        case 'forbidden':
          throw forbidden('This order belongs to another user');
        case 'rejected':
          // The backend's text is for operators, not clients (it may name internals):
          // logged with the request id, which the client can quote.
          ctx.logger.warn({ service: 'orders', status: result.status, backendMessage: result.message }, 'orders backend rejected an update');
          throw badUserInput('The orders service rejected the update', { argument: 'input' });
      }
    },
  },
  Order: {
    note: (order) => order.note ?? null,
    // Code, not @connect: the schema's Order has no userId to batch on. The same loader as
    // Query.viewer and Query.user, so a screen's users are one users call.
    user: (order, _args, ctx) => connectorLoader<UserRecord>(ctx, USERS_BY_ID).load(order.userId),
  },
  // OrderItem.product is a @connect field (schema/order.graphql).
  OrderConnection: {
    nodes: (page) => page.items,
    pageInfo: (page) => ({
      endCursor: page.items.length > 0 ? page.items[page.items.length - 1]!.id : null,
      hasNextPage: page.nextCursor !== null,
    }),
  },
};
