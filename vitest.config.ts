import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Without this vitest loads graphql twice (ESM for our files, CJS for yoga),
    // GraphQLError becomes two classes and yoga masks every error we throw.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
