/**
 * The field limits of the schema's `@rateLimit` directives, which the benchmark runs
 * with (no GATEWAY_CONFIG `rateLimits` override): reported with the results, so a
 * reader knows which limits the viewers stayed under.
 */
import { Kind, parse, valueFromASTUntyped, type DocumentNode } from 'graphql';
import { gatewayApp } from '../../app/gateway-app.js';

export interface SchemaRateLimit {
  /** `Type.field` */
  field: string;
  max: number;
  window: string;
}

/** Every field definition carrying `@rateLimit` in schema/*.graphql, with its arguments. */
export function schemaRateLimits(typeDefs: readonly string[] = gatewayApp.schemaFiles.map((file) => file.sdl)): SchemaRateLimit[] {
  const limits: SchemaRateLimit[] = [];
  for (const sdl of typeDefs) {
    const document: DocumentNode = parse(sdl);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const field of definition.fields ?? []) {
        const directive = field.directives?.find((d) => d.name.value === 'rateLimit');
        if (directive === undefined) continue;
        const args = Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
        limits.push({ field: `${definition.name.value}.${field.name.value}`, max: Number(args.max), window: String(args.window ?? '60s') });
      }
    }
  }
  return limits;
}

/** "Query.recommendations 60/60s, Query.products 120/60s" */
export function describeRateLimits(limits: readonly SchemaRateLimit[]): string {
  return limits.length === 0 ? 'none' : limits.map((l) => `${l.field} ${l.max}/${l.window}`).join(', ');
}
