import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';

/** The warning of the contract for a field served from the cache because its backend failed. */
export interface StaleWarning {
  code: 'STALE_DATA';
  service: string;
  path: (string | number)[];
  ageSeconds: number;
}

/**
 * Per request: which values were served stale (marked where the cache decides),
 * and at which response paths they ended up (noted where the resolver returns them).
 */
export class StaleTracker {
  readonly warnings: StaleWarning[] = [];
  private marks: WeakMap<object, { service: string; ageSeconds: number }> | null = null;

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
      this.warnings.push({ code: 'STALE_DATA', service: mark.service, path, ageSeconds: mark.ageSeconds });
    }
    return value;
  }

  /** The same for each entry of a list. */
  noteEach<T>(info: Pick<GraphQLResolveInfo, 'path'>, values: T[]): T[] {
    if (this.marks !== null) values.forEach((value, index) => this.note(info, value, index));
    return values;
  }
}
