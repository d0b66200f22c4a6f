import type DataLoader from 'dataloader';
import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import { createBatchLoader } from '../upstream/create-batch-loader.js';
import { fetchBatch } from '../upstream/fetch-batch.js';
import type { ServiceClient } from '../upstream/service-client.js';

/** A user as the users backend serves it. */
export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  avatarUrl: string | null;
  createdAt?: string;
}

/** Calls to the users backend (CONTRACT.md §5). */
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
