import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';

/** The warning of the contract for a field served from the cache because its backend failed. */
export interface StaleWarning {
  code: 'STALE_DATA';
  service: string;
  path: (string | number)[];
  ageSeconds: number;
}

/**
 * Per request: which values were served stale (marked where the cache decides), and at
 * which response paths they ended up (noted by the engine's field wrapper,
 * `note-stale-fields.ts`, wherever a resolver returns them).
 */
export class StaleTracker {
  readonly warnings: StaleWarning[] = [];
  private marks: WeakMap<object, { service: string; ageSeconds: number }> | null = null;
  private readonly noted = new Set<string>();

  /** Whether anything was served stale so far (the usual request: no). */
  hasMarks(): boolean {
    return this.marks !== null;
  }

  /**
   * `derived` was computed from `source` (e.g. products looked up from a stale list of
   * ids): it is as stale as `source`. For the loader layer; resolvers never call this.
   */
  inherit<T>(derived: T, source: unknown): T {
    if (this.marks === null || typeof source !== 'object' || source === null) return derived;
    const mark = this.marks.get(source);
    if (mark !== undefined) this.mark(derived, mark.service, mark.ageSeconds);
    return derived;
  }

  /** Where `value` came from and how old it is, if it was served stale. */
  markOf(value: unknown): { readonly service: string; readonly ageSeconds: number } | undefined {
    if (this.marks === null || typeof value !== 'object' || value === null) return undefined;
    return this.marks.get(value);
  }

  /** Remembers that this value is a stale stand-in from `service`. */
  mark(value: unknown, service: string, ageSeconds: number): void {
    if (typeof value !== 'object' || value === null) return;
    this.marks ??= new WeakMap();
    this.marks.set(value, { service, ageSeconds });
  }

  /**
   * If `value` was served stale, records a warning at the field's path (plus `index`
   * for an entry of a list field). Returns `value`, so resolvers can wrap returns.
   */
  note<T>(info: Pick<GraphQLResolveInfo, 'path'>, value: T, index?: number): T {
    // Most requests serve nothing stale: no lookup at all then.
    if (this.marks === null || typeof value !== 'object' || value === null) return value;
    const mark = this.marks.get(value);
    if (mark !== undefined) {
      const path = responsePathAsArray(info.path);
      if (index !== undefined) path.push(index);
      // One warning per path, however many times it is noted.
      const key = path.join('.');
      if (!this.noted.has(key)) {
        this.noted.add(key);
        this.warnings.push({ code: 'STALE_DATA', service: mark.service, path, ageSeconds: mark.ageSeconds });
      }
    }
    return value;
  }

  /** The same for each entry of a list. */
  noteEach<T>(info: Pick<GraphQLResolveInfo, 'path'>, values: T[]): T[] {
    if (this.marks !== null) values.forEach((value, index) => this.note(info, value, index));
    return values;
  }
}
