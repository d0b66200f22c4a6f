import type { makeExecutableSchema } from '@graphql-tools/schema';
import type { ServiceDefinitions } from './services/service-definition.js';

/** Resolver maps as graphql-tools takes them (one map or a list merged type by type). */
export type ResolverMaps = NonNullable<Parameters<typeof makeExecutableSchema>[0]['resolvers']>;

/** One SDL file of an app, named so that schema errors can say where they are. */
export interface SchemaFile {
  name: string;
  sdl: string;
}

/**
 * What an app gives the engine: its schema, its resolvers and its code-defined backends.
 * The engine never imports the app; `loadConfig` and `createGateway` are handed this.
 */
export interface GatewayApp {
  schemaFiles: readonly SchemaFile[];
  /** Merged type by type (graphql-tools' `makeExecutableSchema`). */
  resolvers: ResolverMaps;
  services: ServiceDefinitions;
}
