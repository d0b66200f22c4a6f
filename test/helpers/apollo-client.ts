import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { tap } from 'rxjs';

/** What an app using Apollo Client with `errorPolicy: 'all'` has in hand after a query. */
export interface AppQueryResult {
  /** The data, failed fields null (Apollo Client adds `__typename` to every selection). */
  data: unknown;
  /** The GraphQL errors of the answer, as Apollo Client hands them over (CombinedGraphQLErrors). */
  errors: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
  /**
   * The `extensions` of each result the network link received, in order: one for a
   * plain answer, one per part of a `@defer`red one. `client.query` does not return
   * a query's extensions, so an app reads them in a link, as this one does.
   */
  extensions: (Record<string, unknown> | undefined)[];
}

export interface AppClient {
  query(text: string, options?: { token?: string }): Promise<AppQueryResult>;
  stop(): void;
}

/**
 * A real Apollo Client (4.x, the web and React Native client) set up as a mobile app
 * would be: its client awareness headers, `errorPolicy: 'all'` so partial data is kept,
 * `@defer` over multipart HTTP, and a link that reads the response extensions.
 * `fetchPolicy: 'no-cache'`: every query goes to the gateway.
 */
export function createAppClient(graphqlUrl: string, clientAwareness = { name: 'shop-web', version: '1.0.0' }): AppClient {
  const readExtensions = new ApolloLink((operation, forward) => {
    const sink = (operation.getContext() as { extensionsSink?: AppQueryResult['extensions'] }).extensionsSink;
    return forward(operation).pipe(tap((result) => sink?.push(result.extensions)));
  });
  const client = new ApolloClient({
    link: ApolloLink.from([readExtensions, new HttpLink({ uri: graphqlUrl })]),
    cache: new InMemoryCache(),
    clientAwareness,
    incrementalHandler: new Defer20220824Handler(),
  });
  return {
    async query(text, options = {}) {
      const extensions: AppQueryResult['extensions'] = [];
      const headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
      const result = await client.query({
        query: gql(text),
        errorPolicy: 'all',
        fetchPolicy: 'no-cache',
        context: { headers, extensionsSink: extensions },
      });
      // A network or parsing failure is not an answer: the test should see it as such.
      if (result.error !== undefined && !CombinedGraphQLErrors.is(result.error)) throw result.error;
      const errors = CombinedGraphQLErrors.is(result.error) ? result.error.errors : [];
      return { data: result.data, errors, extensions };
    },
    stop() {
      client.stop();
    },
  };
}
