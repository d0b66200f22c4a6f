import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { noteStaleFields } from './cache/note-stale-fields.js';
import type { GatewayApp, SchemaFile } from './gateway-app.js';
import type { GatewayContext } from './gateway-context.js';

/** Reads every `*.graphql` file of a folder, in name order, keeping each file's name for error messages. */
export function readSchemaFiles(dir: URL): SchemaFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file, sdl: readFileSync(new URL(file, dir), 'utf8') }));
}

/**
 * The executable schema of an app: its SDL files and its resolvers, with stale stand-ins
 * noted by the engine on every field that resolves objects (`noteStaleFields`).
 */
export function createSchema(app: Pick<GatewayApp, 'schemaFiles' | 'resolvers'>): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: app.schemaFiles.map((file) => file.sdl), resolvers: app.resolvers });
  // The context may be absent or foreign (a schema executed outside the gateway, in tests).
  return noteStaleFields(schema, (context) => (context as Partial<GatewayContext> | null)?.stale);
}
