import { UpstreamError } from './upstream-error.js';

/**
 * Shape checks for backend bodies. A backend that answers 200 with the wrong
 * shape is as broken as one that answers 500, and must surface as `bad_body`
 * (UPSTREAM_ERROR) rather than as a TypeError deep in a resolver.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body must be a JSON object. */
export function expectObject(service: string, body: unknown, what: string): JsonObject {
  if (!isJsonObject(body)) throw badBody(service, `${what} is not a JSON object`);
  return body;
}

/** The body must be an object whose `field` is an array. */
export function expectArrayField(service: string, body: unknown, field: string): unknown[] {
  const value = expectObject(service, body, 'response')[field];
  if (!Array.isArray(value)) throw badBody(service, `response has no "${field}" array`);
  return value;
}

/** Each entity must at least carry a string id; resolvers check the rest through the schema's types. */
export function expectEntity<T extends { id: string }>(service: string, value: unknown): T {
  if (!isJsonObject(value) || typeof value.id !== 'string') throw badBody(service, 'an entity has no string id');
  return value as unknown as T;
}

export function badBody(service: string, detail: string): UpstreamError {
  return new UpstreamError({ kind: 'bad_body', service, message: `${service} sent a malformed body: ${detail}` });
}
