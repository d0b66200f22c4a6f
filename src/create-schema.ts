import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers/index.js';

/** Where the SDL lives: `schema/` beside `src/` (and `dist/schema` in the built image). */
const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** Reads every `schema/*.graphql` file, in name order. */
export function readTypeDefs(dir: URL = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, dir), 'utf8'));
}

/** The executable mobile schema: the SDL of `schema/` and the resolvers of `resolvers/`. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: readTypeDefs(), resolvers });
}
