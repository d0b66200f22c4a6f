import type { GatewayApp } from '../gateway-app.js';
import { ConnectorSchemaError } from './connector-schema-error.js';
import { createConnectorResolvers } from './create-connector-resolvers.js';
import { readConnectors } from './read-connectors.js';
import { sourceServiceDefinition } from './source-service-definition.js';

/** Apps already worked out: `loadConfig`'s caller and `createGateway` ask for the same app. */
const connected = new WeakMap<GatewayApp, GatewayApp>();

/**
 * The app with its schema's connectors made real: each `@source` becomes a service
 * beside the code-defined ones (same policy, cache, metrics, health, error contract),
 * each `@connect` field gets its resolver, and the directives leave the served schema.
 * An app without connectors comes back as it is. Throws a ConnectorSchemaError (a
 * ConfigError) naming each problem's file and field.
 *
 * `createGateway` applies it; give `loadConfig` `withConnectors(app).services` so that
 * the sources' URL variables and settings are read with the others.
 */
export function withConnectors(app: GatewayApp): GatewayApp {
  const known = connected.get(app);
  if (known !== undefined) return known;
  const declarations = readConnectors(app.schemaFiles);
  if (declarations.sources.length === 0 && declarations.fields.length === 0) {
    connected.set(app, app);
    return app;
  }

  const problems: string[] = [];
  for (const source of declarations.sources) {
    if (Object.hasOwn(app.services, source.name)) {
      problems.push(`${source.file}: @source(name: "${source.name}"): a code-defined service already has that name`);
    }
  }
  const resolverMaps = (Array.isArray(app.resolvers) ? app.resolvers : [app.resolvers]) as readonly Record<string, Record<string, unknown> | undefined>[];
  for (const field of declarations.fields) {
    if (resolverMaps.some((map) => map[field.typeName]?.[field.fieldName] !== undefined)) {
      problems.push(`${field.file}: ${field.typeName}.${field.fieldName}: has @connect and a resolver in code: keep one`);
    }
  }
  if (problems.length > 0) throw new ConnectorSchemaError(problems);

  const result: GatewayApp = {
    schemaFiles: declarations.schemaFiles,
    resolvers: [...resolverMaps, createConnectorResolvers(declarations.fields)] as GatewayApp['resolvers'],
    services: {
      ...app.services,
      ...Object.fromEntries(declarations.sources.map((source) => [source.name, sourceServiceDefinition(source)])),
    },
  };
  connected.set(app, result);
  // Applying it twice (the app's own loadConfig call, then createGateway) changes nothing.
  connected.set(result, result);
  return result;
}
