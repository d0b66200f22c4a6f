import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { GatewayApp, SchemaFile } from './gateway-app.js';

/** Reads every `*.graphql` file of a folder, in name order, keeping each file's name for error messages. */
export function readSchemaFiles(dir: URL): SchemaFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file, sdl: readFileSync(new URL(file, dir), 'utf8') }));
}

/** The executable schema of an app: its SDL files and its resolvers. */
export function createSchema(app: Pick<GatewayApp, 'schemaFiles' | 'resolvers'>): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: app.schemaFiles.map((file) => file.sdl), resolvers: app.resolvers });
}
