/**
 * The GATEWAY_CONFIG file the benchmark gives the gateway (and Apollo Server,
 * which reads the same config): every field-level `@rateLimit` of the schema
 * raised out of reach. Those limits are per user, and the benchmark's 50 users
 * each make dozens of requests per second — far more than a phone — so at the
 * schema's limits the gateway would answer RATE_LIMITED instead of doing the
 * work being measured. The limiter still runs on every limited field: its cost
 * stays in the numbers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
import { readTypeDefs } from '../src/create-schema.js';

const OUT_OF_REACH = { max: 1_000_000_000, window: '1s' };

/** `Type.field` of every field definition carrying `@rateLimit` in schema/*.graphql. */
export function rateLimitedFields(typeDefs: readonly string[] = readTypeDefs()): string[] {
  const fields: string[] = [];
  for (const sdl of typeDefs) {
    const document: DocumentNode = parse(sdl);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const field of definition.fields ?? []) {
        if (field.directives?.some((d) => d.name.value === 'rateLimit')) fields.push(`${definition.name.value}.${field.name.value}`);
      }
    }
  }
  return fields;
}

/** Writes `gateway-config.json` into `dir` (bench/.build, recreated by every run). */
export function writeGatewayConfigFile(dir: string): { path: string; fields: string[] } {
  const fields = rateLimitedFields();
  const path = join(dir, 'gateway-config.json');
  const config = fields.length === 0 ? {} : { rateLimits: Object.fromEntries(fields.map((field) => [field, OUT_OF_REACH])) };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return { path, fields };
}
