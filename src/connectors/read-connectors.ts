import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { CONNECT_DIRECTIVE, SOURCE_DIRECTIVE } from './connector-directives.js';
import { ConnectorSchemaError } from './connector-schema-error.js';
import { JsonSelectionError, parseJsonSelection, type JsonSelection } from './json-selection.js';
import type { SchemaFile } from '../gateway-app.js';
import type { ServiceDefaults } from '../services/service-definition.js';
import { readSourceSettings, type SourceArguments } from './source-settings.js';
import { parseUrlTemplate, UrlTemplateError, type TemplateVariable, type UrlTemplate } from './url-template.js';

/** A `@source`: a backend the schema declares. */
export interface SourceDeclaration {
  name: string;
  /** The environment variable holding its base URL. */
  urlEnv: string;
  defaults: ServiceDefaults;
  /** The schema file that declares it. */
  file: string;
}

/** What a `@connect` field returns, from its GraphQL type. */
export interface ConnectorReturn {
  list: boolean;
  /** The field itself may be null. */
  nullable: boolean;
  /** For a list: its items may be null. */
  itemNullable: boolean;
  /** A scalar or enum (no batchKey possible). */
  leaf: boolean;
}

/** How a batched `@connect` batches. */
export interface ConnectorBatch {
  /** The variable whose values are the keys: a `$batch.x`, or the one `$args.x`. */
  key: TemplateVariable;
  /** The field of each returned item that equals a key. */
  batchKey: string;
  /** The key is a list argument (`ids: [ID!]!`): the field answers one entry per id, in order. */
  keyIsList: boolean;
}

/** A field resolved by a `@connect`, checked against the schema. */
export interface ConnectorField {
  file: string;
  typeName: string;
  fieldName: string;
  source: string;
  template: UrlTemplate;
  selection: JsonSelection;
  batch: ConnectorBatch | null;
  returns: ConnectorReturn;
  /** Uses `{$viewer.id}`, or says `requiresViewer: true`: UNAUTHENTICATED without a viewer. */
  needsViewer: boolean;
  /** `maxItems`: the list arguments in `get` it limits; empty without it. */
  listLimits: readonly ListLimit[];
}

/** A list argument that may hold at most `max` entries (`@connect(maxItems:)`). */
export interface ListLimit {
  argument: string;
  max: number;
  /** What the list holds, for the message: `ids` for `[ID!]`. */
  noun: string;
}

/** Every connector of an app's schema, and the schema files with the directives removed. */
export interface ConnectorDeclarations {
  sources: SourceDeclaration[];
  fields: ConnectorField[];
  /** The same files, `@source`/`@connect` removed: what the gateway serves. Unchanged files are the same objects. */
  schemaFiles: SchemaFile[];
}

const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,99}$/;

/**
 * Reads and checks the `@source` and `@connect` directives of an app's schema files.
 * Throws a ConnectorSchemaError listing every problem, each naming the file, the field
 * (or source) and what is wrong.
 */
export function readConnectors(files: readonly SchemaFile[]): ConnectorDeclarations {
  const problems: string[] = [];
  const sources: SourceDeclaration[] = [];
  const found: { file: string; typeName: string; fieldName: string; directive: ConstDirectiveNode }[] = [];
  const schemaFiles: SchemaFile[] = [];
  /** Sources declared with problems: a field naming one is not told that it names no source. */
  const invalidSources = new Set<string>();
  let unparsed = false;

  for (const file of files) {
    if (!/@(source|connect)\b/.test(file.sdl)) {
      schemaFiles.push(file);
      continue;
    }
    let document: DocumentNode;
    try {
      document = parse(file.sdl);
    } catch (error) {
      problems.push(`${file.name}: ${(error as Error).message}`);
      unparsed = true;
      continue;
    }
    for (const definition of document.definitions) {
      switch (definition.kind) {
        case Kind.SCHEMA_DEFINITION:
        case Kind.SCHEMA_EXTENSION:
          for (const directive of definition.directives ?? []) {
            if (directive.name.value === 'source') readSource(file.name, directive, sources, invalidSources, problems);
          }
          break;
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.OBJECT_TYPE_EXTENSION:
          for (const field of definition.fields ?? []) {
            for (const directive of field.directives ?? []) {
              if (directive.name.value === 'connect') {
                found.push({ file: file.name, typeName: definition.name.value, fieldName: field.name.value, directive });
              }
            }
          }
          break;
        case Kind.INTERFACE_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_EXTENSION:
          for (const field of definition.fields ?? []) {
            if (field.directives?.some((d) => d.name.value === 'connect')) {
              problems.push(`${file.name}: ${definition.name.value}.${field.name.value}: @connect is read only on fields of object types, not interfaces`);
            }
          }
          break;
        default:
          break;
      }
    }
    const stripped = withoutConnectorDirectives(document);
    schemaFiles.push({ name: file.name, sdl: print(stripped) });
  }
  if (found.length === 0 && sources.length === 0 && problems.length === 0) return { sources, fields: [], schemaFiles: [...files] };

  const byName = new Map<string, SourceDeclaration>();
  for (const source of sources) {
    const earlier = byName.get(source.name);
    if (earlier !== undefined) {
      problems.push(`${source.file}: @source(name: "${source.name}"): declared twice (also in ${earlier.file})`);
    } else {
      byName.set(source.name, source);
    }
  }

  const fields: ConnectorField[] = [];
  if (found.length > 0 && !unparsed) {
    // The merged schema tells each field's arguments, parent and return type.
    const schema = makeExecutableSchema({ typeDefs: schemaFiles.map((file) => file.sdl) });
    for (const entry of found) {
      const field = readField(schema, entry, byName, invalidSources, problems);
      if (field !== null) fields.push(field);
    }
  }
  if (problems.length > 0) throw new ConnectorSchemaError(problems);
  return { sources: [...byName.values()], fields, schemaFiles };
}

// Private:

function readSource(
  file: string,
  directive: ConstDirectiveNode,
  sources: SourceDeclaration[],
  invalidSources: Set<string>,
  problems: string[],
): void {
  const name = directive.arguments?.find((argument) => argument.name.value === 'name');
  const written = name?.value.kind === Kind.STRING ? name.value.value : null;
  const label = `${file}: @source${written === null ? '' : `(name: "${written}")`}`;
  const before = problems.length;
  const valid = readValidSource(file, directive, label, problems);
  if (valid !== null && problems.length === before) sources.push(valid);
  else if (written !== null) invalidSources.add(written);
}

function readValidSource(file: string, directive: ConstDirectiveNode, label: string, problems: string[]): SourceDeclaration | null {
  const args = coerceArguments(SOURCE_DIRECTIVE, directive, label, problems);
  if (args === null) return null;
  const sourceName = args.name as string;
  const urlEnv = args.baseUrlEnv as string;
  let ok = true;
  if (!SOURCE_NAME.test(sourceName)) {
    problems.push(`${label}: name: expected a letter, then up to 39 letters, digits, _ or - (it names the backend in metrics and errors)`);
    ok = false;
  }
  if (!ENV_NAME.test(urlEnv)) {
    problems.push(`${label}: baseUrlEnv: expected an environment variable name such as REVIEWS_URL, got ${JSON.stringify(urlEnv)}`);
    ok = false;
  }
  const settings = readSourceSettings(args as SourceArguments);
  if ('problems' in settings) {
    for (const problem of settings.problems) problems.push(`${label}: ${problem}`);
    return null;
  }
  return ok ? { name: sourceName, urlEnv, defaults: settings.defaults, file } : null;
}

/** The directive's arguments, coerced by graphql-js against its definition; null after reporting a problem. */
function coerceArguments(definition: GraphQLDirective, node: DirectiveNode, label: string, problems: string[]): Record<string, unknown> | null {
  const known = new Set(definition.args.map((argument) => argument.name));
  const unknown = (node.arguments ?? []).map((argument) => argument.name.value).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    problems.push(`${label}: unknown argument(s) ${unknown.join(', ')} (expected ${[...known].join(', ')})`);
    return null;
  }
  try {
    return getArgumentValues(definition, node);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    problems.push(`${label}: ${error.message}`);
    return null;
  }
}

function readField(
  schema: GraphQLSchema,
  entry: { file: string; typeName: string; fieldName: string; directive: ConstDirectiveNode },
  sources: ReadonlyMap<string, SourceDeclaration>,
  invalidSources: ReadonlySet<string>,
  problems: string[],
): ConnectorField | null {
  const { file, typeName, fieldName } = entry;
  const label = `${file}: ${typeName}.${fieldName}`;
  const before = problems.length;
  const report = (problem: string) => problems.push(`${label}: ${problem}`);
  const args = coerceArguments(CONNECT_DIRECTIVE, entry.directive, label, problems);
  if (args === null) return null;
  const parent = schema.getType(typeName) as GraphQLObjectType;
  const field = parent.getFields()[fieldName]!;
  const root = rootKind(schema, parent);
  if (root === 'mutation' || root === 'subscription') {
    report(`@connect resolves with a GET, which is not a ${root}: ${root} fields stay code`);
    return null;
  }

  const sourceName = args.source as string;
  if (!sources.has(sourceName) && !invalidSources.has(sourceName)) {
    const declared = [...sources.keys()];
    report(`@connect(source: "${sourceName}"): no @source has that name (${declared.length === 0 ? 'none is declared' : `declared: ${declared.join(', ')}`})`);
  }

  let template: UrlTemplate | null = null;
  try {
    template = parseUrlTemplate(args.get as string);
  } catch (error) {
    if (!(error instanceof UrlTemplateError)) throw error;
    report(`get: ${error.message}`);
  }
  let selection: JsonSelection | null = null;
  try {
    selection = parseJsonSelection(args.selection as string | undefined);
  } catch (error) {
    if (!(error instanceof JsonSelectionError)) throw error;
    report(`selection: ${error.message}`);
  }
  const returns = readReturn(field.type);
  if (returns === null) report('returns a list of lists, which a connector cannot build');
  const named = getNamedType(field.type);
  if (!isLeafType(named) && !isObjectType(named)) {
    report(`returns ${named.name}, an interface or union: a connector cannot tell which type each item is`);
  }
  if (template === null || selection === null || returns === null) return null;

  for (const variable of template.variables) checkVariable(variable, field, parent, root, report);

  const batchKey = args.batchKey as string | undefined;
  const batchVariables = template.variables.filter((variable) => variable.namespace === 'batch');
  const distinctBatchVariables = new Set(batchVariables.map((variable) => variable.text));
  let batch: ConnectorBatch | null = null;
  if (distinctBatchVariables.size > 1) {
    report(`get: has ${distinctBatchVariables.size} {$batch…} variables (${[...distinctBatchVariables].join(', ')}): one call batches one key`);
  } else if (batchVariables.length > 1) {
    report(`get: uses ${batchVariables[0]!.text} twice: the keys go in one place`);
  } else if (batchVariables.length === 1) {
    const key = batchVariables[0]!;
    if (batchKey === undefined) {
      report(
        `${returns.list ? 'a list field' : 'a field'} with ${key.text} needs batchKey: the field of each returned item that equals the parent's ${key.name}`,
      );
    } else {
      batch = { key, batchKey, keyIsList: false };
    }
  } else if (batchKey !== undefined) {
    const argumentVariables = template.variables.filter((variable) => variable.namespace === 'args');
    const viewerVariables = template.variables.filter((variable) => variable.namespace === 'viewer');
    const names = new Set(argumentVariables.map((variable) => variable.name));
    if (argumentVariables.length === 0 && viewerVariables.length === 1) {
      // `/users?ids={$viewer.id}`: the viewer's own entity, through the same loader as
      // every other lookup of that shape (`Query.viewer` and `Query.user(id)` share a call).
      batch = { key: viewerVariables[0]!, batchKey, keyIsList: false };
    } else if (names.size !== 1 || argumentVariables.length !== 1) {
      report(
        `batchKey needs one key to batch: a {$batch.<field>}, or exactly one {$args.<argument>} (get has ${argumentVariables.length === 0 ? 'none' : argumentVariables.map((v) => v.text).join(', ')})`,
      );
    } else {
      const key = argumentVariables[0]!;
      const argument = field.args.find((a) => a.name === key.name);
      const keyIsList = argument !== undefined && isListType(nullable(argument.type));
      if (keyIsList && !returns.list) report(`${key.text} is a list, so the field must be a list too (one entry per key, in order)`);
      batch = { key, batchKey, keyIsList };
    }
  }
  if (batchKey !== undefined) {
    if (!isObjectType(named)) {
      report(`batchKey "${batchKey}": the field returns ${named.name}, not objects with fields`);
    } else {
      const keyField = named.getFields()[batchKey];
      if (keyField === undefined) report(`batchKey "${batchKey}": ${named.name} has no field ${batchKey}`);
      else if (!isLeafType(getNamedType(keyField.type)) || isListType(nullable(keyField.type))) {
        report(`batchKey "${batchKey}": ${named.name}.${batchKey} is not a single scalar value`);
      }
    }
  }
  const listLimits: ListLimit[] = [];
  const maxItems = args.maxItems as number | null | undefined;
  if (maxItems !== undefined && maxItems !== null) {
    const listArguments = [...new Set(template.variables.filter((v) => v.namespace === 'args').map((v) => v.name))]
      .map((name) => field.args.find((a) => a.name === name))
      .filter((argument) => argument !== undefined && isListType(nullable(argument.type)));
    if (maxItems < 1) report(`maxItems: expected at least 1, got ${maxItems}`);
    else if (listArguments.length === 0) report('maxItems: get has no list argument ({$args.<list argument>}) to limit');
    for (const argument of listArguments) {
      listLimits.push({ argument: argument!.name, max: maxItems, noun: `${getNamedType(argument!.type).name.toLowerCase()}s` });
    }
  }
  if (problems.length > before) return null;
  return {
    file,
    typeName,
    fieldName,
    source: sourceName,
    template,
    selection,
    batch,
    returns,
    needsViewer: args.requiresViewer === true || template.variables.some((variable) => variable.namespace === 'viewer'),
    listLimits,
  };
}

function checkVariable(
  variable: TemplateVariable,
  field: GraphQLField<unknown, unknown>,
  parent: GraphQLObjectType,
  root: RootKind | null,
  report: (problem: string) => void,
): void {
  switch (variable.namespace) {
    case 'args': {
      const argument = field.args.find((a) => a.name === variable.name);
      if (argument === undefined) {
        const names = field.args.map((a) => a.name);
        report(`get: ${variable.text} names no argument of ${parent.name}.${field.name} (${names.length === 0 ? 'it has none' : `its arguments: ${names.join(', ')}`})`);
      } else if (!isUrlValueType(argument.type)) {
        report(`get: ${variable.text} is an input object: only scalars, enums and lists of them go into a URL`);
      }
      return;
    }
    case 'this':
    case 'batch': {
      if (root !== null) {
        report(`get: ${variable.text}: ${parent.name} fields have no parent object (use {$args.…})`);
        return;
      }
      const parentField = parent.getFields()[variable.name];
      if (parentField === undefined) {
        report(`get: ${variable.text} names no field of ${parent.name}`);
      } else if (!isLeafType(getNamedType(parentField.type))) {
        report(`get: ${variable.text}: ${parent.name}.${variable.name} is not a scalar or enum`);
      } else if (variable.namespace === 'batch' && isListType(nullable(parentField.type))) {
        report(`get: ${variable.text}: ${parent.name}.${variable.name} is a list; a batch key is one value per parent`);
      }
      return;
    }
    case 'viewer':
      return;
  }
}

type RootKind = 'query' | 'mutation' | 'subscription';

function rootKind(schema: GraphQLSchema, type: GraphQLObjectType): RootKind | null {
  if (type === schema.getQueryType()) return 'query';
  if (type === schema.getMutationType()) return 'mutation';
  if (type === schema.getSubscriptionType()) return 'subscription';
  return null;
}

function readReturn(type: GraphQLOutputType): ConnectorReturn | null {
  const inner = nullable(type);
  if (!isListType(inner)) return { list: false, nullable: !isNonNullType(type), itemNullable: true, leaf: isLeafType(inner) };
  const item = inner.ofType as GraphQLOutputType;
  if (isListType(nullable(item))) return null;
  return { list: true, nullable: !isNonNullType(type), itemNullable: !isNonNullType(item), leaf: isLeafType(getNamedType(item)) };
}

function isUrlValueType(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return !isInputObjectType(named) && isLeafType(named);
}

function nullable<T extends GraphQLOutputType | GraphQLInputType>(type: T): T {
  return (isNonNullType(type) ? type.ofType : type) as T;
}

/** The document without `@source`/`@connect` (and without a schema extension left empty). */
function withoutConnectorDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    SchemaExtension(node) {
      const directives = node.directives?.filter((d) => d.name.value !== 'source');
      if ((directives?.length ?? 0) === 0 && (node.operationTypes?.length ?? 0) === 0) return null;
      return { ...node, directives };
    },
    SchemaDefinition(node) {
      return { ...node, directives: node.directives?.filter((d) => d.name.value !== 'source') };
    },
    FieldDefinition(node) {
      if (!node.directives?.some((d) => d.name.value === 'connect')) return undefined;
      return { ...node, directives: node.directives.filter((d) => d.name.value !== 'connect') };
    },
  });
}
