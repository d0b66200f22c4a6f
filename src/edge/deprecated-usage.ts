import { memoizePerOperation } from './memoize-per-operation.js';
import {
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';

/** What one operation selects of the schema's deprecated parts. */
export interface DeprecatedUsage {
  /**
   * Schema coordinates of the deprecated fields (`Product.imageUrl`), arguments
   * (`Type.field(arg:)`), input fields (`Input.field`) and enum values (`Enum.VALUE`),
   * the last two as literals, that the operation selects, each once, in document order.
   */
  readonly coordinates: readonly string[];
  /** The earliest `@sunset` date among them (midnight UTC, ms since the epoch); null when none has one. */
  readonly sunsetAt: number | null;
}

const NONE: DeprecatedUsage = { coordinates: [], sunsetAt: null };
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Finds the deprecated parts an operation selects. Computed once per parsed document
 * and operation (yoga reuses the document object of a query it has seen), never per
 * request. The selection is read as written: a field under `@skip` or `@defer` counts,
 * and an enum value or input field passed in variables does not (only literals do).
 *
 * Reads the schema's `@sunset(date: "YYYY-MM-DD")` directives once and throws at
 * start-up for a date that is not a calendar date, or a `@sunset` without `@deprecated`.
 */
export function createDeprecatedUsage(schema: GraphQLSchema): (document: DocumentNode, operationName?: string | null) => DeprecatedUsage {
  const sunsets = readSunsets(schema);
  const typeInfo = new TypeInfo(schema);
  return memoizePerOperation((document, operationName) => findUsage(typeInfo, sunsets, document, operationName));
}

// Private:

function findUsage(
  typeInfo: TypeInfo,
  sunsets: ReadonlyMap<string, number>,
  document: DocumentNode,
  operationName: string | null | undefined,
): DeprecatedUsage {
  const operation = getOperationAST(document, operationName);
  if (operation == null) return NONE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const found = new Set<string>();
  // The operation, then every fragment it reaches, each once (a fragment spread 2^n
  // times is still visited once): other operations of the document, and fragments only
  // they use, are not part of this request.
  const queue: ASTNode[] = [operation];
  const queued = new Set<string>();
  const visitor = visitWithTypeInfo(typeInfo, {
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (parent != null && field != null && field.deprecationReason != null) found.add(`${parent.name}.${field.name}`);
    },
    Argument() {
      // Arguments of @include/@skip are not the field's.
      if (typeInfo.getDirective() !== null) return;
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      const argument = typeInfo.getArgument();
      if (parent != null && field != null && argument != null && argument.deprecationReason != null) {
        found.add(`${parent.name}.${field.name}(${argument.name}:)`);
      }
    },
    ObjectField(node) {
      // An input object literal: TypeInfo has moved into the field, so its object is the parent input type.
      const parent = getNamedType(typeInfo.getParentInputType());
      if (!isInputObjectType(parent)) return;
      const field = parent.getFields()[node.name.value];
      if (field !== undefined && field.deprecationReason != null) found.add(`${parent.name}.${field.name}`);
    },
    EnumValue() {
      const value = typeInfo.getEnumValue();
      const type = getNamedType(typeInfo.getInputType());
      if (value != null && type != null && value.deprecationReason != null) found.add(`${type.name}.${value.name}`);
    },
    FragmentSpread(node) {
      const fragment = fragments.get(node.name.value);
      if (fragment === undefined || queued.has(node.name.value)) return;
      queued.add(node.name.value);
      queue.push(fragment);
    },
  });
  for (let next = 0; next < queue.length; next += 1) visit(queue[next]!, visitor);
  if (found.size === 0) return NONE;
  let earliest: number | null = null;
  for (const coordinate of found) {
    const at = sunsets.get(coordinate);
    if (at !== undefined && (earliest === null || at < earliest)) earliest = at;
  }
  return { coordinates: [...found], sunsetAt: earliest };
}

/** Every `@sunset` of the schema, by coordinate, as ms since the epoch (midnight UTC of the date). */
function readSunsets(schema: GraphQLSchema): Map<string, number> {
  const directive = schema.getDirective('sunset');
  const sunsets = new Map<string, number>();
  if (directive === undefined || directive === null) return sunsets;
  const read = (coordinate: string, deprecationReason: string | null | undefined, node: { directives?: readonly unknown[] } | null | undefined) => {
    if (node === null || node === undefined) return;
    const values = getDirectiveValues(directive, node as Parameters<typeof getDirectiveValues>[1]);
    if (values === undefined) return;
    if (deprecationReason == null) throw new TypeError(`schema: ${coordinate} has @sunset without @deprecated`);
    const date = String(values.date);
    const at = parseIsoDate(date);
    if (at === null) throw new TypeError(`schema: @sunset(date: ${JSON.stringify(date)}) on ${coordinate} is not a date such as "2027-06-30"`);
    sunsets.set(coordinate, at);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        read(`${type.name}.${field.name}`, field.deprecationReason, field.astNode);
        for (const argument of field.args) read(`${type.name}.${field.name}(${argument.name}:)`, argument.deprecationReason, argument.astNode);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) read(`${type.name}.${field.name}`, field.deprecationReason, field.astNode);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) read(`${type.name}.${value.name}`, value.deprecationReason, value.astNode);
    }
  }
  return sunsets;
}

function parseIsoDate(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2027-02-30 over into March: only a date that survives the round trip is real.
  return new Date(at).toISOString().slice(0, 10) === text ? at : null;
}
