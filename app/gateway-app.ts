/**
 * The app this repository ships: the mobile schema of `schema/` (with the `@source`
 * backends it declares: users, catalog), the resolvers of `resolvers/` and the
 * code-defined backends of `services/` (orders, recommendations). Entry points and tests
 * hand it to the engine (`loadConfig`, `createGateway`).
 */
import { ConfigError, loadConfig, readSchemaFiles, withConnectors, type GatewayApp, type GatewayConfig, type LoadConfigOptions } from '../src/index.js';
import { resolvers } from '../resolvers/index.js';
import { SERVICES, type CodeServiceName } from '../services/index.js';

/** `schema/` beside `app/` (and `dist/schema` in the built image). */
const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** The backends the schema declares with `@source` (checked against the schema by `loadAppConfig`). */
const SOURCE_NAMES = ['users', 'catalog'] as const;

const declaredApp: GatewayApp = {
  schemaFiles: readSchemaFiles(SCHEMA_DIR),
  resolvers,
  services: SERVICES,
};

/**
 * The app with its schema's connectors made real (`withConnectors`), its backends in the
 * order operators know from /health/detailed and the metrics: users, catalog, orders,
 * recommendations, then any other `@source` (e.g. one a test adds).
 */
export const gatewayApp: GatewayApp = connectedInOrder(declaredApp);

/** Every backend of the app, declared in the schema or defined in code. */
export type ServiceName = (typeof SOURCE_NAMES)[number] | CodeServiceName;
export const SERVICE_NAMES: readonly ServiceName[] = [...SOURCE_NAMES, ...(Object.keys(SERVICES) as CodeServiceName[])];

/**
 * `loadConfig` for this app's backends: the code-defined ones and the schema's `@source`s
 * (a ConnectorSchemaError, a ConfigError, names any mistake in their directives).
 */
export function loadAppConfig(
  env: Record<string, string | undefined>,
  options: Omit<LoadConfigOptions, 'services'> = {},
): GatewayConfig<ServiceName> {
  return loadConfig(env, { ...options, services: appServices() });
}

/** The environment that points the gateway at these backends (`USERS_URL=…`, …). */
export function serviceUrlEnv(urls: Readonly<Record<ServiceName, string>>): Record<string, string> {
  const services = appServices();
  return Object.fromEntries(SERVICE_NAMES.map((name) => [services[name].urlEnv, urls[name]]));
}

// Private:

function connectedInOrder(app: GatewayApp): GatewayApp {
  let connected: GatewayApp;
  try {
    connected = withConnectors(app);
  } catch (error) {
    // A mistake in a schema directive: loadAppConfig reports it (exit 2 in app/main.ts),
    // rather than this module failing to load.
    if (error instanceof ConfigError) return app;
    throw error;
  }
  const first = Object.fromEntries(SOURCE_NAMES.filter((name) => Object.hasOwn(connected.services, name)).map((name) => [name, connected.services[name]!]));
  // Its schema files no longer carry the directives: the engine's own withConnectors takes it as it is.
  return { ...connected, services: { ...first, ...connected.services } };
}

/** Every backend's declaration; throws a ConnectorSchemaError for a bad schema directive. */
function appServices(): Record<ServiceName, GatewayApp['services'][string]> {
  const { services } = withConnectors(gatewayApp);
  const missing = SERVICE_NAMES.filter((name) => !Object.hasOwn(services, name));
  // The app's own code names these: a schema that lost one of its @sources is this repository's bug.
  if (missing.length > 0) throw new Error(`schema/ declares no @source named ${missing.join(', ')} (app/gateway-app.ts SOURCE_NAMES)`);
  return services as Record<ServiceName, GatewayApp['services'][string]>;
}
