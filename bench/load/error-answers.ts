/**
 * Counts 2xx GraphQL answers that carry `errors` while under load. A status code
 * cannot tell a complete answer from a partial or refused one (a rate-limited or
 * failed field still answers 200), and a server that answers with errors does less
 * work than one that answers in full: such a measurement is not comparable.
 */
export class ErrorAnswerCounter {
  count = 0;
  first: string | null = null;

  observe(status: number, body: string): void {
    // A substring test, not JSON.parse: this runs for every response on the load generator's core.
    if (status < 200 || status >= 300 || !body.includes('"errors"')) return;
    this.count += 1;
    this.first ??= body.slice(0, 400);
  }
}
