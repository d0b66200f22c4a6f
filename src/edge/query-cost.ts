import {
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface QueryCostOptions {
  /** Size assumed for a list field that says nothing about its size. @default 10 */
  defaultListSize: number;
}

/** Estimates one operation of a document; `fragments` are the document's, by name. */
export type QueryCost = (
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
) => number;

/**
 * The largest list size ever costed: the largest GraphQL Int, so no `first` a client
 * can send is cut; it only keeps an `ids` list or a non-finite size finite.
 */
export const MAX_LIST_SIZE = 2 ** 31 - 1;

/** Costs saturate here instead of growing into Infinity (and Infinity × 0 into NaN). */
export const MAX_COST = Number.MAX_SAFE_INTEGER;

/**
 * What an operation may cost the backends: every field counts 1, and everything
 * below a list counts once per entry it may return (each entry at least 1). A list's
 * size is its `first` argument, or the number of `ids`, when the query gives them
 * (literals or variables), else the schema's default for `first`, else
 * `defaultListSize`; a connection's `first` sizes its `nodes`.
 *
 * The schema's `@cost` directive refines a field: `maxListSize` clamps its size to
 * 1..maxListSize (a negative, zero or huge `first` is costed as the resolver can serve
 * it, never below 1); `perParent: true` says its resolver calls a backend once per
 * parent object (no batching), so it costs the size of the page it asks for instead
 * of 1, once per parent.
 *
 * `products(ids: [50 ids]) { name }` costs 1 + 50 × 1; a query that nests lists
 * multiplies, which is exactly what makes it expensive. Each fragment is costed once
 * per parent type and inherited size, so repeated spreads cost a lookup each: the
 * work is linear in the document, whatever the cost it finds.
 */
export function createQueryCost(schema: GraphQLSchema, options: QueryCostOptions): QueryCost {
  const hintsOf = readCostHints(schema);

  return (operation, fragments, variables) => {
    const root =
      operation.operation === 'mutation'
        ? schema.getMutationType()
        : operation.operation === 'subscription'
          ? schema.getSubscriptionType()
          : schema.getQueryType();
    if (root === null || root === undefined) return 0;
    const fragmentCosts = new Map<string, number>();
    const inProgress = new Set<string>();

    const sizeOf = (value: ValueNode | undefined): number | undefined => {
      if (value === undefined) return undefined;
      if (value.kind === Kind.INT) return Number(value.value);
      if (value.kind === Kind.LIST) return value.values.length;
      if (value.kind === Kind.VARIABLE) {
        const bound = variables[value.name.value];
        if (typeof bound === 'number') return bound;
        if (Array.isArray(bound)) return bound.length;
      }
      return undefined;
    };

    const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, inherited: number | undefined): number => {
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          total = add(total, fieldCost(selection, parent, inherited));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition === undefined ? parent : (schema.getType(selection.typeCondition.name.value) ?? parent);
          total = add(total, selectionCost(selection.selectionSet, type, inherited));
        } else {
          total = add(total, spreadCost(selection.name.value, parent, inherited));
        }
      }
      return total;
    };

    // Memoised: `{ ...A ×250 } fragment A { ...B ×250 } …` walked spread by spread is
    // 250⁴ visits (minutes of a frozen event loop); here it is one walk per fragment.
    const spreadCost = (name: string, parent: GraphQLNamedType, inherited: number | undefined): number => {
      const fragment = fragments[name];
      if (fragment === undefined) return 0;
      const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
      const key = `${name}\u0000${type.name}\u0000${inherited ?? ''}`;
      const known = fragmentCosts.get(key);
      if (known !== undefined) return known;
      // A cycle is a validation error already; never loop on one here.
      if (inProgress.has(key)) return 0;
      inProgress.add(key);
      const cost = selectionCost(fragment.selectionSet, type, inherited);
      inProgress.delete(key);
      fragmentCosts.set(key, cost);
      return cost;
    };

    const fieldCost = (node: FieldNode, parent: GraphQLNamedType, inherited: number | undefined): number => {
      const name = node.name.value;
      if (name === '__typename') return 0;
      // Introspection is answered from the schema in memory: no backend call, a size bounded
      // by the schema, its nesting capped by graphql-js' MaxIntrospectionDepthRule and the
      // introspection depth limit (useQueryLimits), and refused altogether in production.
      // Costed by its lists, graphql-js' standard introspection query would cost ~50 000.
      if (name === '__schema' || name === '__type') return 1;
      const field = lookupField(parent, name);
      if (field === undefined) return 1;
      const hints = hintsOf(field);
      const argument = (argName: string) => node.arguments?.find((arg) => arg.name.value === argName)?.value;
      // What the query says, else what the schema defaults to (`orders(first: Int = 20)`).
      const schemaDefault = field.args.find((arg) => arg.name === 'first')?.defaultValue;
      const declared = sizeOf(argument('first')) ?? sizeOf(argument('ids')) ?? (typeof schemaDefault === 'number' ? schemaDefault : undefined);
      const size = declared === undefined ? undefined : clampListSize(declared, hints.maxListSize);
      const isList = isListType(getNullableType(field.type));
      // The list's own size, else the size its connection parent declared, else the default.
      const factor = isList ? clampListSize(size ?? inherited ?? options.defaultListSize, hints.maxListSize) : 1;
      // One backend call per parent fetches its whole page every time.
      const own = hints.perParent ? (isList ? factor : (size ?? 1)) : 1;
      if (node.selectionSet === undefined) return isList ? factor : own;
      const children = selectionCost(node.selectionSet, getNamedType(field.type), isList ? undefined : size);
      return isList ? add(own, mul(factor, Math.max(1, children))) : add(own, children);
    };

    return selectionCost(operation.selectionSet, root, undefined);
  };
}

/**
 * A list size as the cost model counts it: at least 1 (a negative `first` must never
 * make a query cheaper), at most the field's `maxListSize` (what its resolver accepts),
 * a whole number; an unreadable size is the largest the field allows.
 */
export function clampListSize(size: number, max: number = MAX_LIST_SIZE): number {
  if (Number.isNaN(size)) return max;
  return Math.min(max, Math.max(1, Math.ceil(size)));
}

// Private:

interface CostHints {
  maxListSize: number;
  perParent: boolean;
}

const NO_HINTS: CostHints = { maxListSize: MAX_LIST_SIZE, perParent: false };

/** Every field's `@cost`, read once per schema; a bad `maxListSize` fails at start-up. */
function readCostHints(schema: GraphQLSchema): (field: GraphQLField<unknown, unknown>) => CostHints {
  const directive = schema.getDirective('cost');
  const hints = new Map<GraphQLField<unknown, unknown>, CostHints>();
  if (directive !== undefined && directive !== null) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.astNode === undefined || field.astNode === null) continue;
        const values = getDirectiveValues(directive, field.astNode) as { maxListSize?: number | null; perParent?: boolean | null } | undefined;
        if (values === undefined) continue;
        const maxListSize = values.maxListSize ?? MAX_LIST_SIZE;
        if (!Number.isInteger(maxListSize) || maxListSize < 1) {
          throw new TypeError(`@cost on ${type.name}.${field.name}: maxListSize must be a positive integer, got ${maxListSize}`);
        }
        hints.set(field, { maxListSize, perParent: values.perParent === true });
      }
    }
  }
  return (field) => hints.get(field) ?? NO_HINTS;
}

function add(a: number, b: number): number {
  return Math.min(MAX_COST, a + b);
}

function mul(a: number, b: number): number {
  return Math.min(MAX_COST, a * b);
}

function lookupField(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}
