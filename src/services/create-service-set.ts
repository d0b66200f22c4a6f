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
import type { Clock } from '../clock.js';
import { isUpstreamError } from '../upstream/upstream-error.js';

/** A failure of the backend (stale data may stand in), not a call the request cancelled. */
const isBackendFailure = (error: unknown): boolean => isUpstreamError(error) && !error.cancelled;
import type { ServiceDefinitions } from './service-definition.js';

/** The backends of one gateway instance: built once, shared by every request. */
export interface ServiceSet {
  readonly clients: Readonly<Record<string, ServiceClient>>;
  /** The domain clients by service name (typed by the app: `GatewayContext<Services, …>`). */
  readonly services: Readonly<Record<string, unknown>>;
  /** Fresh DataLoaders for one request, every service's merged into one object. */
  createLoaders(call: CallContext): object;
  close(): Promise<void>;
}

export interface ServiceSetDeps {
  logger: Logger;
  cache: TieredCache;
  cacheSettings: Pick<CacheSettings, 'keyPrefix'>;
  /** Told about every attempt and batch (metrics, health). */
  observer?: UpstreamObserver;
  /** Clock of the policies and entity caches. @default systemClock */
  now?: Clock;
}

/** One HTTP client, policy, entity cache and domain client per definition, with its settings. */
export function createServiceSet(
  definitions: ServiceDefinitions,
  settings: Readonly<Record<string, ServiceSettings>>,
  deps: ServiceSetDeps,
): ServiceSet {
  const names = Object.keys(definitions);
  const clients: Record<string, ServiceClient> = {};
  const services: Record<string, unknown> = {};
  for (const name of names) {
    const serviceSettings = settings[name];
    if (serviceSettings === undefined) throw new Error(`No settings for service "${name}": load the config with the same app`);
    const http = createHttpClient({
      service: name,
      baseUrl: serviceSettings.url,
      timeoutMs: serviceSettings.timeoutMs,
      connections: serviceSettings.connections,
      observer: deps.observer,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    const policy = createServicePolicy(name, serviceSettings, {
      logger: deps.logger.child({ service: name }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    const batch = deps.observer?.batch;
    const client = createServiceClient(name, serviceSettings, http, policy, batch && ((size: number) => batch(name, size)));
    clients[name] = client;
    const definition = definitions[name]!;
    const entityCache = createEntityCache({
      cache: deps.cache,
      keyPrefix: deps.cacheSettings.keyPrefix,
      kind: definition.cacheKind,
      service: name,
      ttl: serviceSettings.cache,
      canStandIn: isBackendFailure,
      isCancellation: (error) => isUpstreamError(error) && error.cancelled,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    services[name] = definition.createService(client, entityCache);
  }

  return {
    clients,
    services,
    createLoaders(call) {
      const loaders = {};
      for (const name of names) Object.assign(loaders, definitions[name]!.createLoaders(services[name], clients[name]!, call));
      return loaders;
    },
    async close() {
      await Promise.all(names.map((name) => clients[name]!.close()));
    },
  };
}
