import type DataLoader from 'dataloader';
import type { CallContext } from '../upstream/call-context.js';
import { createBatchLoader } from '../upstream/create-batch-loader.js';
import { expectArrayField, expectEntity } from '../upstream/expect-json.js';
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
  /** `GET /users?ids=…`: one call for every id; unknown ids are absent. */
  getUsersByIds(ids: readonly string[], call: CallContext): Promise<Map<string, UserRecord>>;
}

export interface UsersLoaders {
  user: DataLoader<string, UserRecord | null>;
}

export function createUsersService(client: ServiceClient): UsersService {
  return {
    async getUsersByIds(ids, call) {
      const response = await client.request(
        { method: 'GET', path: `/users?ids=${ids.map(encodeURIComponent).join(',')}` },
        call,
      );
      const users = new Map<string, UserRecord>();
      for (const item of expectArrayField(client.name, response.body, 'items')) {
        const user = expectEntity<UserRecord>(client.name, item);
        users.set(user.id, user);
      }
      return users;
    },
  };
}

/** Per-request loaders of the users backend. */
export function createUsersLoaders(service: UsersService, client: ServiceClient, call: CallContext): UsersLoaders {
  return {
    user: createBatchLoader({
      maxBatchSize: client.settings.maxBatchSize,
      fetchMany: (ids) => service.getUsersByIds(ids, call),
    }),
  };
}
