import type { CallContext } from '../upstream/call-context.js';
import { createHttpClient } from '../upstream/http-client.js';
import type { CacheSettings } from '../cache/cache-settings.js';
import { createEntityCache } from '../cache/create-entity-cache.js';
import type { TieredCache } from '../cache/create-tiered-cache.js';
import type { Logger } from '../observability/create-logger.js';
import { createServicePolicy } from '../upstream/create-service-policy.js';
import { createServiceClient, type ServiceClient } from '../upstream/service-client.js';
import type { ServiceSettings } from '../upstream/service-settings.js';
import type { UpstreamObserver } from '../upstream/upstream-observer.js';
import { SERVICE_NAMES, SERVICE_REGISTRY, type Loaders, type ServiceName, type Services } from './service-registry.js';

/** The backends of one gateway instance: built once, shared by every request. */
export interface ServiceSet {
  readonly clients: Record<ServiceName, ServiceClient>;
  readonly services: Services;
  /** Fresh DataLoaders for one request. */
  createLoaders(call: CallContext): Loaders;
  close(): Promise<void>;
}

export interface ServiceSetDeps {
  logger: Logger;
  cache: TieredCache;
  cacheSettings: Pick<CacheSettings, 'keyPrefix'>;
  /** Told about every attempt and batch (metrics, health). */
  observer?: UpstreamObserver;
}

export function createServiceSet(settings: Record<ServiceName, ServiceSettings>, deps: ServiceSetDeps): ServiceSet {
  const clients = {} as Record<ServiceName, ServiceClient>;
  const services = {} as Record<ServiceName, unknown>;
  for (const name of SERVICE_NAMES) {
    const serviceSettings = settings[name];
    const http = createHttpClient({
      service: name,
      baseUrl: serviceSettings.url,
      timeoutMs: serviceSettings.timeoutMs,
      connections: serviceSettings.connections,
      observer: deps.observer,
    });
    const policy = createServicePolicy(name, serviceSettings, { logger: deps.logger.child({ service: name }) });
    const batch = deps.observer?.batch;
    const client = createServiceClient(name, serviceSettings, http, policy, batch && ((size: number) => batch(name, size)));
    clients[name] = client;
    const definition = SERVICE_REGISTRY[name] as { cacheKind: string; createService(c: ServiceClient, cache: unknown): unknown };
    const entityCache = createEntityCache({
      cache: deps.cache,
      keyPrefix: deps.cacheSettings.keyPrefix,
      kind: definition.cacheKind,
      service: name,
      ttl: serviceSettings.cache,
    });
    // As for createLoaders below: the registry pairs each service with its entity type.
    services[name] = definition.createService(client, entityCache);
  }
  const typedServices = services as Services;

  return {
    clients,
    services: typedServices,
    createLoaders(call) {
      const loaders = {};
      for (const name of SERVICE_NAMES) {
        // The registry pairs each createLoaders with its own createService, which
        // TypeScript cannot see through the loop; the cast restores that pairing.
        const definition = SERVICE_REGISTRY[name] as { createLoaders(s: unknown, c: ServiceClient, call: CallContext): object };
        Object.assign(loaders, definition.createLoaders(typedServices[name], clients[name], call));
      }
      return loaders as Loaders;
    },
    async close() {
      await Promise.all(SERVICE_NAMES.map((name) => clients[name].close()));
    },
  };
}
