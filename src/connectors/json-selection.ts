/**
 * The `selection:` of a `@connect`: which part of the backend's JSON body the field
 * gets. A dotted path of object keys and array indexes (`items`, `data.reviews`,
 * `results.0`); `$` (or no selection) is the whole body.
 */
export interface JsonSelection {
  /** As written. */
  readonly text: string;
  /** Keys and indexes, outermost first; empty for the whole body. */
  readonly steps: readonly (string | number)[];
}

/** A selection that cannot be parsed. */
export class JsonSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSelectionError';
  }
}

const STEP = /^(?:[A-Za-z_$][A-Za-z0-9_$-]*|\d{1,9})$/;

/** Parses a selection; throws a JsonSelectionError naming the bad step. */
export function parseJsonSelection(text: string | undefined): JsonSelection {
  if (text === undefined || text === '$') return { text: text ?? '$', steps: [] };
  const parts = text.split('.');
  const steps = parts.map((part) => {
    if (!STEP.test(part)) {
      throw new JsonSelectionError(
        `${JSON.stringify(text)} is not a selection: expected keys and indexes separated by dots, such as items or data.reviews.0 ($ for the whole body)`,
      );
    }
    return /^\d+$/.test(part) ? Number(part) : part;
  });
  return { text, steps };
}

/** What the selection finds in a body: the value, or `missing` with the step that found nothing. */
export type Selected = { found: true; value: unknown } | { found: false; missing: string };

/**
 * Follows the selection into `body`. A null on the way selects null (an absent
 * optional object); a key or index that is not there is `missing`: the body is not
 * what the schema declared, and the caller reports the backend's fault.
 */
export function applyJsonSelection(selection: JsonSelection, body: unknown): Selected {
  let value = body;
  for (let i = 0; i < selection.steps.length; i += 1) {
    if (value === null) return { found: true, value: null };
    const step = selection.steps[i]!;
    const container = value as Record<string | number, unknown>;
    const present =
      typeof step === 'number'
        ? Array.isArray(value) && step < value.length
        : typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(container, step);
    if (!present) return { found: false, missing: selection.steps.slice(0, i + 1).join('.') };
    value = container[step];
  }
  return { found: true, value };
}
