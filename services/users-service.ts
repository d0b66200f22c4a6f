import { type CallContext, createBatchLoader, type EntityCache, fetchBatch, type ServiceClient } from '../src/index.js';
import type DataLoader from 'dataloader';

/** A user as the users backend serves it. */
export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  avatarUrl: string | null;
  createdAt?: string;
}

/** Calls to the users backend (docs/backend-contract.md). */
export interface UsersService {
  readonly cache: EntityCache<UserRecord>;
  /** `GET /users?ids=…`: one call for every id; unknown ids are absent. */
  getUsersByIds(ids: readonly string[], call: CallContext): Promise<Map<string, UserRecord>>;
}

export interface UsersLoaders {
  user: DataLoader<string, UserRecord | null>;
}

export function createUsersService(client: ServiceClient, cache: EntityCache<UserRecord>): UsersService {
  return {
    cache,
    getUsersByIds: (ids, call) => fetchBatch<UserRecord>(client, '/users', ids, call),
  };
}

/** Per-request loaders of the users backend. */
export function createUsersLoaders(service: UsersService, client: ServiceClient, call: CallContext): UsersLoaders {
  return {
    user: createBatchLoader({
      maxBatchSize: client.settings.maxBatchSize,
      fetchMany: (ids) => service.getUsersByIds(ids, call),
      cache: service.cache,
      stale: call.stale,
      onBatch: client.onBatch,
    }),
  };
}
