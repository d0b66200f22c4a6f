import type { GraphiQLOptions } from 'graphql-yoga';

/** What yoga's `renderGraphiQL` option takes: GraphiQL's options in, the page out. */
export type GraphiQLRenderer = (options: GraphiQLOptions) => Promise<string>;

/**
 * GraphiQL's page with everything it loads inlined: its script, stylesheet, favicon
 * and editor workers come from `@graphql-yoga/render-graphiql` (a dependency, the
 * same version as graphql-yoga), so the page works on a machine with no internet.
 * yoga's built-in page loads them from unpkg.com instead.
 *
 * The page is ~9 MB (~2 MB compressed): rendered once per distinct options and kept.
 * The package is imported on the first page request, never at start-up, so a
 * production gateway (GraphiQL off) never loads it. The page needs inline scripts and
 * styles, `blob:` workers and `data:` fonts and favicon: the Content-Security-Policy it
 * works under is in docs/security.md ("GraphiQL").
 */
export function createOfflineGraphiQLRenderer(): GraphiQLRenderer {
  let rendered: { key: string; html: string } | null = null;
  return async (options) => {
    const key = JSON.stringify(options);
    if (rendered === null || rendered.key !== key) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      rendered = { key, html: renderGraphiQL(options) };
    }
    return rendered.html;
  };
}
