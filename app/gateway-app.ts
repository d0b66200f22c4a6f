/**
 * The app this repository ships: the mobile schema of `schema/`, the resolvers of
 * `resolvers/` and the code-defined backends of `services/`. Entry points and tests
 * hand it to the engine (`loadConfig`, `createGateway`).
 */
import { loadConfig, readSchemaFiles, withConnectors, type GatewayApp, type GatewayConfig, type LoadConfigOptions } from '../src/index.js';
import { resolvers } from '../resolvers/index.js';
import { SERVICES, type ServiceName } from '../services/index.js';

/** `schema/` beside `app/` (and `dist/schema` in the built image). */
const SCHEMA_DIR = new URL('../schema/', import.meta.url);

export const gatewayApp = {
  schemaFiles: readSchemaFiles(SCHEMA_DIR),
  resolvers,
  services: SERVICES,
} satisfies GatewayApp;

/**
 * `loadConfig` for this app's backends: the code-defined ones and the schema's `@source`s
 * (a ConnectorSchemaError, a ConfigError, names any mistake in their directives).
 */
export function loadAppConfig(
  env: Record<string, string | undefined>,
  options: Omit<LoadConfigOptions, 'services'> = {},
): GatewayConfig<ServiceName> {
  return loadConfig(env, { ...options, services: withConnectors(gatewayApp).services });
}
