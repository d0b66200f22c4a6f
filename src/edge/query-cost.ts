import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
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

/**
 * What an operation may cost the backends: every field counts 1, and everything
 * below a list counts once per entry it may return. A list's size is its `first`
 * argument, or the number of `ids`, when the query gives them (literals or variables),
 * else `defaultListSize`; a connection's `first` sizes its `nodes`.
 *
 * `products(ids: [50 ids]) { name }` costs 1 + 50 × 1; a query that nests lists
 * multiplies, which is exactly what makes it expensive.
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  options: QueryCostOptions,
): number {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (root === null || root === undefined) return 0;

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

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, inherited: number | undefined, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, inherited, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition === undefined ? parent : (schema.getType(selection.typeCondition.name.value) ?? parent);
        total += selectionCost(selection.selectionSet, type, inherited, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        // A cycle is a validation error already; never loop on one here.
        if (fragment === undefined || seen.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
        total += selectionCost(fragment.selectionSet, type, inherited, new Set([...seen, name]));
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType, inherited: number | undefined, seen: ReadonlySet<string>): number => {
    const name = node.name.value;
    if (name === '__typename') return 0;
    const field = lookupField(parent, name);
    if (field === undefined) return 1;
    const argument = (argName: string) => node.arguments?.find((arg) => arg.name.value === argName)?.value;
    // What the query says, else what the schema defaults to (`orders(first: Int = 20)`).
    const schemaDefault = field.args.find((arg) => arg.name === 'first')?.defaultValue;
    const declaredSize =
      sizeOf(argument('first')) ?? sizeOf(argument('ids')) ?? (typeof schemaDefault === 'number' ? schemaDefault : undefined);
    const isList = isListType(getNullableType(field.type));
    // The list's own size, else the size its connection parent declared, else the default.
    const factor = isList ? (declaredSize ?? inherited ?? options.defaultListSize) : 1;
    if (node.selectionSet === undefined) return isList ? factor : 1;
    const childInherited = isList ? undefined : declaredSize;
    return 1 + factor * selectionCost(node.selectionSet, getNamedType(field.type), childInherited, seen);
  };

  return selectionCost(operation.selectionSet, root, undefined, new Set());
}

// Private:

function lookupField(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}
