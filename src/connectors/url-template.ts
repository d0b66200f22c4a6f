/**
 * The `get:` of a `@connect`: a path relative to the source's base URL with variables
 * in braces, e.g. `/reviews?productIds={$batch.id}&limit={$args.first}`.
 *
 * - `{$args.x}`: the field's argument `x`
 * - `{$this.x}`: field `x` of the parent object (as its resolver returned it)
 * - `{$batch.x}`: as `$this.x`, but the values of every parent of the request go into one call
 * - `{$viewer.id}`: the authenticated viewer's id
 *
 * Values are URL-encoded; a list is encoded item by item and comma-joined (the batch
 * contract's `?ids=a,b`). A query parameter that is only a variable (`limit={$args.first}`)
 * is left out when the value is null.
 */

/** Where a variable's value comes from. */
export type VariableNamespace = 'args' | 'this' | 'batch' | 'viewer';

export interface TemplateVariable {
  namespace: VariableNamespace;
  name: string;
  /** As written, for messages: `{$args.first}`. */
  text: string;
}

/** One `&`-separated piece of the query string, or the path. */
interface Segment {
  /** Literal text and variables, in order. */
  pieces: (string | TemplateVariable)[];
  /** A query parameter whose whole value is one variable: dropped when it is null. */
  omittable: boolean;
  /** The path: a value of `.` or `..` there is encoded, so it cannot climb to another endpoint. */
  inPath: boolean;
}

export interface UrlTemplate {
  /** The template as written. */
  readonly text: string;
  /** Every variable, in order of appearance. */
  readonly variables: readonly TemplateVariable[];
  /** @internal the path, then each query parameter. */
  readonly path: Segment;
  readonly query: readonly Segment[];
}

/** A template that cannot be parsed; the message says where and why. */
export class UrlTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlTemplateError';
  }
}

const NAMESPACES: readonly VariableNamespace[] = ['args', 'this', 'batch', 'viewer'];
const VARIABLE = /^\$([A-Za-z]+)\.([_A-Za-z][_0-9A-Za-z]*)$/;

/** Parses a `get:` template; throws a UrlTemplateError naming the problem. */
export function parseUrlTemplate(text: string): UrlTemplate {
  if (!text.startsWith('/')) throw new UrlTemplateError(`must start with "/" (a path relative to the source's base URL), got ${JSON.stringify(text)}`);
  if (/[\s#]/.test(text)) throw new UrlTemplateError(`must not contain spaces or "#" (got ${JSON.stringify(text)})`);
  const variables: TemplateVariable[] = [];
  const split = text.indexOf('?');
  const pathText = split === -1 ? text : text.slice(0, split);
  const path: Segment = { pieces: parsePieces(pathText, variables), omittable: false, inPath: true };
  const query =
    split === -1
      ? []
      : text
          .slice(split + 1)
          .split('&')
          .map((parameter): Segment => {
            const pieces = parsePieces(parameter, variables);
            const [name, value] = pieces;
            const omittable = pieces.length === 2 && typeof name === 'string' && name.endsWith('=') && typeof value === 'object';
            return { pieces, omittable, inPath: false };
          });
  return { text, variables, path, query };
}

/** A variable's value: a scalar, a list of them, or null (absent). */
export type TemplateValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/**
 * The path and query with every variable's value, URL-encoded. `hole` is left as the
 * HOLE marker (the batch keys go there later). Null when a variable outside an
 * omittable query parameter is null: there is nothing to ask for.
 */
export function renderUrlTemplate(
  template: UrlTemplate,
  valueOf: (variable: TemplateVariable) => TemplateValue,
  hole?: TemplateVariable,
): string | null {
  const path = renderSegment(template.path, valueOf, hole);
  if (path === null || path === NOTHING) return null;
  const parameters: string[] = [];
  for (const segment of template.query) {
    const rendered = renderSegment(segment, valueOf, hole);
    if (rendered === NOTHING || (rendered === null && !segment.omittable)) return null;
    if (rendered !== null) parameters.push(rendered);
  }
  return parameters.length === 0 ? path : `${path}?${parameters.join('&')}`;
}

/** Stands for the batch keys in a rendered template (a character no encoded value contains). */
export const HOLE = '\u0000';

/** One value as it goes into a URL. */
export function encodeTemplateValue(value: string | number | boolean | readonly (string | number | boolean)[]): string {
  return Array.isArray(value) ? value.map((item) => encodeURIComponent(String(item))).join(',') : encodeURIComponent(String(value));
}

// Private:

function parsePieces(text: string, variables: TemplateVariable[]): (string | TemplateVariable)[] {
  const pieces: (string | TemplateVariable)[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{', at);
    const close = text.indexOf('}', at);
    if (close !== -1 && (open === -1 || close < open)) throw new UrlTemplateError(`has a "}" with no "{" before it (at ${JSON.stringify(text.slice(close))})`);
    if (open === -1) {
      pieces.push(text.slice(at));
      break;
    }
    if (open > at) pieces.push(text.slice(at, open));
    const end = text.indexOf('}', open);
    if (end === -1) throw new UrlTemplateError(`has a "{" that is never closed (at ${JSON.stringify(text.slice(open))})`);
    const inner = text.slice(open + 1, end);
    const variable = parseVariable(inner);
    if (pieces.length > 0 && typeof pieces[pieces.length - 1] === 'object') {
      throw new UrlTemplateError(`has two variables with nothing between them ({…}{${inner}}): their values could not be told apart`);
    }
    pieces.push(variable);
    variables.push(variable);
    at = end + 1;
  }
  return pieces;
}

function parseVariable(inner: string): TemplateVariable {
  const text = `{${inner}}`;
  const match = VARIABLE.exec(inner);
  if (match === null) {
    throw new UrlTemplateError(`has ${text}, which is not a variable: expected {$args.<argument>}, {$this.<field>}, {$batch.<field>} or {$viewer.id}`);
  }
  const namespace = match[1] as VariableNamespace;
  if (!NAMESPACES.includes(namespace)) {
    throw new UrlTemplateError(`has ${text}: unknown variable $${namespace} (expected $args, $this, $batch or $viewer)`);
  }
  if (namespace === 'viewer' && match[2] !== 'id') throw new UrlTemplateError(`has ${text}: $viewer has only id`);
  return { namespace, name: match[2]!, text };
}

/** An empty list: no parameter can ask for nothing, so there is no call to make. */
const NOTHING = Symbol('nothing');

/** The segment; null when a variable is null (an omittable parameter is then left out). */
function renderSegment(
  segment: Segment,
  valueOf: (variable: TemplateVariable) => TemplateValue,
  hole: TemplateVariable | undefined,
): string | null | typeof NOTHING {
  let out = '';
  for (const piece of segment.pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    if (piece === hole) {
      out += HOLE;
      continue;
    }
    const value = valueOf(piece);
    if (value === null || value === undefined) return null;
    if (Array.isArray(value) && value.length === 0) return NOTHING;
    const encoded = encodeTemplateValue(value);
    out += segment.inPath && (encoded === '.' || encoded === '..') ? encoded.replaceAll('.', '%2E') : encoded;
  }
  return out;
}
