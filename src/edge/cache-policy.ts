import { memoizePerOperation } from './memoize-per-operation.js';
import {
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** How long, and for whom, the answer to one operation may be cached, from the schema's `@cacheControl` hints. */
export interface CachePolicy {
  /** The smallest max age of the selected fields, in seconds; 0 when one of them may not be cached at all. */
  readonly maxAge: number;
  /** PRIVATE as soon as one selected field or type says so. */
  readonly scope: CacheScope;
}

interface Hint {
  maxAge?: number;
  scope?: CacheScope;
  inheritMaxAge?: boolean;
}

const UNCACHEABLE: CachePolicy = { maxAge: 0, scope: 'PRIVATE' };

/**
 * Apollo's `@cacheControl(maxAge, scope, inheritMaxAge)` convention, read from the
 * schema once and applied to an operation once per parsed document:
 * - a field's own hint wins over the hint on the type it returns (scope included);
 * - a field returning an object, interface or union without either hint, and every
 *   root field without one, has max age 0: not cacheable;
 * - a scalar or enum field (and `inheritMaxAge: true`) adds no limit of its own: it
 *   is as fresh as its parent;
 * - the operation's max age is the smallest, its scope PRIVATE if any field's is.
 * Only queries are ever cacheable. An operation with no limit at all (`{ __typename }`)
 * has no max age, so it is not cacheable either.
 */
export function createCachePolicy(schema: GraphQLSchema): (document: DocumentNode, operationName?: string | null) => CachePolicy {
  const directive = schema.getDirective('cacheControl');
  if (directive === undefined || directive === null) return () => UNCACHEABLE;
  const typeHints = readTypeHints(schema, directive);
  const fieldHints = readFieldHints(schema, directive);
  const hintOf = (field: GraphQLField<unknown, unknown>): Hint => fieldHints.get(field) ?? {};
  return memoizePerOperation((document, operationName) => computePolicy(schema, document, operationName, typeHints, hintOf));
}

// Private:

function computePolicy(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  typeHints: ReadonlyMap<string, Hint>,
  hintOf: (field: GraphQLField<unknown, unknown>) => Hint,
): CachePolicy {
  const operation = getOperationAST(document, operationName);
  const root = schema.getQueryType();
  if (operation == null || operation.operation !== 'query' || root == null) return UNCACHEABLE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // What a selection set adds: the smallest max age it imposes (null: none) and whether it is private.
  type Found = { maxAge: number | null; private: boolean };
  const merge = (into: Found, from: Found) => {
    if (from.maxAge !== null && (into.maxAge === null || from.maxAge < into.maxAge)) into.maxAge = from.maxAge;
    if (from.private) into.private = true;
  };
  // A fragment adds the same wherever it is spread (its fields resolve against its type
  // condition), so each is worked out once: a document spreading fragments 2^n times
  // (a "fragment bomb") costs n walks, not 2^n.
  const byFragment = new Map<string, Found | 'walking'>();

  const walk = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode, isRoot: boolean): Found => {
    const found: Found = { maxAge: null, private: false };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition === undefined ? parent : schema.getType(selection.typeCondition.name.value);
        if (isCompositeType(type)) merge(found, walk(type, selection.selectionSet, isRoot));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const key = `${isRoot ? 'root' : 'nested'}:${selection.name.value}`;
        const known = byFragment.get(key);
        // Validation refuses fragment cycles; 'walking' only keeps this total.
        if (known === 'walking') continue;
        if (known !== undefined) {
          merge(found, known);
          continue;
        }
        const fragment = fragments.get(selection.name.value);
        const type = fragment === undefined ? undefined : schema.getType(fragment.typeCondition.name.value);
        if (fragment === undefined || !isCompositeType(type)) continue;
        byFragment.set(key, 'walking');
        const result = walk(type, fragment.selectionSet, isRoot);
        byFragment.set(key, result);
        merge(found, result);
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (field === undefined) {
        // __schema, __type: no hint can be given to them.
        merge(found, { maxAge: 0, private: false });
        continue;
      }
      const fieldHint = hintOf(field as GraphQLField<unknown, unknown>);
      const type = getNamedType(field.type);
      const composite = isCompositeType(type);
      const typeHint = composite ? typeHints.get(type.name) ?? {} : {};
      let maxAge: number | null = null;
      if (fieldHint.maxAge !== undefined) maxAge = fieldHint.maxAge;
      else if (fieldHint.inheritMaxAge === true) {
        // As fresh as its parent: no limit of its own.
      } else if (typeHint.maxAge !== undefined) maxAge = typeHint.maxAge;
      else if (composite || isRoot) maxAge = 0;
      merge(found, { maxAge, private: (fieldHint.scope ?? typeHint.scope) === 'PRIVATE' });
      if (composite && selection.selectionSet !== undefined) merge(found, walk(type, selection.selectionSet, false));
    }
    return found;
  };
  const found = walk(root, operation.selectionSet, true);
  if (found.maxAge === null || found.maxAge === 0) return UNCACHEABLE;
  return { maxAge: found.maxAge, scope: found.private ? 'PRIVATE' : 'PUBLIC' };
}

function readTypeHints(schema: GraphQLSchema, directive: GraphQLDirective): Map<string, Hint> {
  const hints = new Map<string, Hint>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type) || isUnionType(type)) || type.name.startsWith('__')) continue;
    const hint: Hint = {};
    // A hint may sit on the type or on any `extend type` of it.
    for (const node of [type.astNode, ...type.extensionASTNodes]) {
      if (node != null) Object.assign(hint, readHint(directive, node, type.name));
    }
    if (Object.keys(hint).length > 0) hints.set(type.name, hint);
  }
  return hints;
}

/** Read at start-up, so a bad hint stops the gateway before it serves. */
function readFieldHints(schema: GraphQLSchema, directive: GraphQLDirective): WeakMap<GraphQLField<unknown, unknown>, Hint> {
  const hints = new WeakMap<GraphQLField<unknown, unknown>, Hint>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode == null) continue;
      const hint = readHint(directive, field.astNode, `${type.name}.${field.name}`);
      if (Object.keys(hint).length > 0) hints.set(field as GraphQLField<unknown, unknown>, hint);
    }
  }
  return hints;
}

function readHint(directive: GraphQLDirective, node: { directives?: readonly unknown[] }, where: string): Hint {
  const values = getDirectiveValues(directive, node as Parameters<typeof getDirectiveValues>[1]);
  if (values === undefined) return {};
  const hint: Hint = {};
  if (typeof values.maxAge === 'number') {
    if (!Number.isInteger(values.maxAge) || values.maxAge < 0) throw new TypeError(`schema: @cacheControl(maxAge: ${values.maxAge}) on ${where} must be 0 or more seconds`);
    hint.maxAge = values.maxAge;
  }
  if (values.scope === 'PUBLIC' || values.scope === 'PRIVATE') hint.scope = values.scope;
  if (values.inheritMaxAge === true) hint.inheritMaxAge = true;
  return hint;
}
