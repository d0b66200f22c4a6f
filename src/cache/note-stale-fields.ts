import { getNamedType, isCompositeType, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { StaleTracker } from './stale-tracker.js';

/**
 * Stale data flagged by the engine, not by resolvers: every field with its own resolver
 * and an object (or list of objects) type gets a wrapper that, once the value is known,
 * asks the request's stale tracker whether the value, or an entry of the list, is a
 * stale stand-in the cache served, and records a STALE_DATA warning at that field's path.
 * A resolver cannot forget it. Fields without a resolver return parts of their parent,
 * which was noted where it was resolved. Mutates the schema's resolvers in place.
 *
 * Cost per such field: a synchronous result is checked at once (one `marks === null`
 * test in the usual request, which served nothing stale); a promise result gets one
 * `.then`, since a loader may mark it stale only when it settles.
 */
export function noteStaleFields(schema: GraphQLSchema, staleOf: (context: unknown) => StaleTracker | undefined): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (resolve === undefined || !isCompositeType(getNamedType(field.type))) continue;
      field.resolve = (source, args, context, info) => {
        const result: unknown = resolve(source, args, context, info);
        const stale = staleOf(context);
        if (stale === undefined) return result;
        if (result instanceof Promise) return result.then((value: unknown) => noteResult(stale, info, value));
        return noteResult(stale, info, result);
      };
    }
  }
  return schema;
}

function noteResult<T>(stale: StaleTracker, info: GraphQLResolveInfo, value: T): T {
  if (!stale.hasMarks()) return value;
  stale.note(info, value);
  if (Array.isArray(value)) stale.noteEach(info, value);
  return value;
}
