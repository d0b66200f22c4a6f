/** The GraphQL `locations` entry of the first occurrence of `field` in a one-line query. */
export function locationOf(query: string, field: string): { line: number; column: number }[] {
  const index = query.indexOf(field);
  if (index < 0 || query.includes('\n')) throw new TypeError(`locationOf expects a one-line query containing ${field}`);
  return [{ line: 1, column: index + 1 }];
}
