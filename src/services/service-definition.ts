import type { EntityCache } from '../cache/create-entity-cache.js';
import type { CallContext } from '../upstream/call-context.js';
import type { ServiceClient } from '../upstream/service-client.js';
import type { BreakerSettings, ServiceSettings } from '../upstream/service-settings.js';

/**
 * The settings a backend gets unless GATEWAY_CONFIG overrides them. The four below are
 * required because no environment variable gives them; the optional ones fall back to
 * the environment's defaults (UPSTREAM_TIMEOUT_MS, UPSTREAM_MAX_RETRIES, …).
 */
export type ServiceDefaults = Pick<ServiceSettings, 'maxBatchSize' | 'connections' | 'bulkhead' | 'cache'> & {
  timeoutMs?: number;
  maxRetries?: number;
  breaker?: BreakerSettings;
  halfOpenAfterMs?: number;
};

/** What configuration needs to know about one backend: where its URL comes from and its defaults. */
export interface ServiceDeclaration {
  /** Environment variable holding the backend's base URL (`USERS_URL`, `REVIEWS_URL`, …). */
  urlEnv: string;
  defaults: ServiceDefaults;
}

/** Every backend of an app by name: what `loadConfig` reads settings for. */
export type ServiceCatalog = Readonly<Record<string, ServiceDeclaration>>;

/**
 * Everything the engine needs to know about one backend: its declaration, the domain
 * client built once at start-up and the DataLoaders built for every request. Code-defined
 * services are written with `defineService`; each schema `@source` becomes one too.
 */
export interface ServiceDefinition<S = unknown, L extends object = object, V = unknown> extends ServiceDeclaration {
  /** Entity kind in cache keys (`<prefix>:v1:<kind>:<id>`). */
  cacheKind: string;
  /** The domain client, built once at start-up, with the cache of its entities. */
  createService(client: ServiceClient, cache: EntityCache<V>): S;
  /** Its per-request DataLoaders, merged into `ctx.loaders`. */
  createLoaders(service: S, client: ServiceClient, call: CallContext): L;
}

/** Types a service definition (its service, loaders and cached entity types flow to the app's context type). */
export function defineService<S, L extends object, V>(definition: ServiceDefinition<S, L, V>): ServiceDefinition<S, L, V> {
  return definition;
}

/**
 * Any definition, whatever its types: the engine builds services and loaders by name and
 * never looks inside them; each definition's own createService/createLoaders pair is
 * consistent, which TypeScript cannot see through a Record of mixed types: `any` here,
 * because `unknown` would make every concrete createService unassignable (parameters are
 * contravariant).
 */
export type AnyServiceDefinition = ServiceDefinition<any, object, any>;

/** The definitions of an app, by service name. */
export type ServiceDefinitions = Readonly<Record<string, AnyServiceDefinition>>;

type Services<D extends ServiceDefinitions> = { [K in keyof D]: ReturnType<D[K]['createService']> };
type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/** The domain clients of these definitions by name: `ctx.services.orders.updateOrder(…)`. */
export type ServicesOf<D extends ServiceDefinitions> = Services<D>;

/** Every definition's per-request loaders, flattened: `ctx.loaders.order.load(id)`. */
export type LoadersOf<D extends ServiceDefinitions> = UnionToIntersection<{ [K in keyof D]: ReturnType<D[K]['createLoaders']> }[keyof D]>;
