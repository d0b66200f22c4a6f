import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../src/index.js';
import type { Resolvers } from './generated/resolvers-types.js';

function toIsoString(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw badUserInput('DateTime must be an ISO-8601 date-time');
  }
  return date.toISOString();
}

/** ISO-8601 in UTC on the wire, whatever shape a backend used. */
export const scalarResolvers: Resolvers = {
  DateTime: new GraphQLScalarType({
    name: 'DateTime',
    serialize: toIsoString,
    parseValue: toIsoString,
    parseLiteral(ast) {
      if (ast.kind !== Kind.STRING) {
        throw badUserInput('DateTime must be a string', {}, ast);
      }
      return toIsoString(ast.value);
    },
  }),
};
