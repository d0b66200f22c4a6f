import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** What validation will have to walk and compare in a document, counted before it does. */
export interface SelectionCounts {
  /**
   * Selections (fields, fragment spreads, inline fragments) once named fragments are
   * expanded and same-named fields merged, as execution collects them: a fragment is
   * expanded once per merged selection set. Counting stops past `maxSelections`.
   */
  selections: number;
  /**
   * Pairs of field selections that land on the same response field: a field selected n
   * times at one place is n(n−1)/2 pairs, each of which graphql-js' field-merging
   * validation (OverlappingFieldsCanBeMerged) compares, subselections included.
   */
  overlaps: number;
}

/**
 * Counts, in time linear in `maxSelections`, what makes validation expensive: each
 * operation and each fragment definition (validation walks those too) is expanded
 * into the tree of response fields it selects. `{ viewer { id } ×390 }` is 780
 * selections but 151,710 overlaps, which validation compares pair by pair (hundreds of
 * ms for a 5 KB document). Expansion stops once `maxSelections` is passed, so no
 * document, however its fragments multiply or recurse, costs more than that.
 */
export function countSelections(document: DocumentNode, maxSelections: number): SelectionCounts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const pending: SelectionSetNode[][] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) pending.push([definition.selectionSet]);
  }
  let selections = 0;
  let overlaps = 0;

  // One merged selection set at a time from a work list, not by recursion: a fragment
  // that recurses through a field (a validation error, not yet reported) must not grow
  // the stack; it grows `selections` until the limit stops it.
  while (pending.length > 0 && selections <= maxSelections) {
    const sets = pending.pop()!;
    const byResponseName = new Map<string, { count: number; sets: SelectionSetNode[] }>();
    const expanded = new Set<string>();
    const collect = (set: SelectionSetNode): void => {
      for (const selection of set.selections) {
        selections += 1;
        if (selections > maxSelections) return;
        if (selection.kind === Kind.FIELD) {
          const name = selection.alias?.value ?? selection.name.value;
          let group = byResponseName.get(name);
          if (group === undefined) {
            group = { count: 0, sets: [] };
            byResponseName.set(name, group);
          }
          group.count += 1;
          if (selection.selectionSet !== undefined) group.sets.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet);
        } else {
          // Once per merged selection set, as execution collects it; this also ends a
          // cycle of spreads (a validation error) at the first repeat.
          const fragment = fragments.get(selection.name.value);
          if (fragment === undefined || expanded.has(fragment.name.value)) continue;
          expanded.add(fragment.name.value);
          collect(fragment.selectionSet);
        }
      }
    };
    for (const set of sets) collect(set);
    for (const group of byResponseName.values()) {
      overlaps += (group.count * (group.count - 1)) / 2;
      if (group.sets.length > 0) pending.push(group.sets);
    }
  }
  return { selections: Math.min(selections, maxSelections + 1), overlaps };
}
