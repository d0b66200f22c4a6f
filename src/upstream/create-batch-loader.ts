import DataLoader from 'dataloader';

export interface BatchLoaderOptions<V> {
  /** Most keys in one backend call; DataLoader splits a larger batch into several calls. */
  maxBatchSize: number;
  /** One backend call for these ids; ids the backend does not know are absent from the map. */
  fetchMany(ids: readonly string[]): Promise<ReadonlyMap<string, V>>;
}

/**
 * A per-request DataLoader over a backend batch endpoint. Unknown ids resolve to
 * null (an answer, not an error); when the call fails, every id of that batch
 * gets the same error, and only the fields that asked for those ids fail.
 */
export function createBatchLoader<V>(options: BatchLoaderOptions<V>): DataLoader<string, V | null> {
  const { fetchMany } = options;
  return new DataLoader<string, V | null>(
    async (ids) => {
      try {
        const found = await fetchMany(ids);
        return ids.map((id) => found.get(id) ?? null);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        return ids.map(() => failure);
      }
    },
    { maxBatchSize: options.maxBatchSize },
  );
}
