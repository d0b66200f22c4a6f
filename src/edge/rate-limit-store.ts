import { InMemoryStore, Store } from '@envelop/rate-limiter';
import type { RedisTier } from '../cache/create-redis-tier.js';

type Identity = Parameters<Store['getForIdentity']>[0];

/**
 * The store of @envelop/rate-limiter's field limits: Redis when configured (shared by
 * instances), this instance's memory when Redis is absent or failing. (GET then SET,
 * as the library works: concurrent requests on several instances may each let one
 * extra call through; field limits are about abuse, not billing.)
 */
export class FailoverRateLimitStore extends Store {
  private readonly memory = new InMemoryStore();

  constructor(
    private readonly redis: RedisTier | null,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  async getForIdentity(identity: Identity): Promise<readonly number[]> {
    if (this.redis !== null) {
      const shared = await this.redis.getJson(this.key(identity));
      if (shared.ok) return Array.isArray(shared.value) ? (shared.value as number[]) : [];
    }
    return this.memory.getForIdentity(identity);
  }

  async setForIdentity(identity: Identity, timestamps: readonly number[], windowMs?: number): Promise<void> {
    if (this.redis !== null) {
      const shared = await this.redis.setJson(this.key(identity), timestamps, windowMs ?? 60_000);
      if (shared.ok) return;
    }
    this.memory.setForIdentity(identity, timestamps);
  }

  // Private:

  private key(identity: Identity): string {
    return `${this.keyPrefix}:rl:field:${identity.contextIdentity}:${identity.fieldIdentity}`;
  }
}
