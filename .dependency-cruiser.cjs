// Import boundaries, checked in CI (`npm run check:imports`):
// - no import cycles, type-only imports included (a type cycle still ties two modules' changes together),
//   in the engine, the app and the benchmark;
// - the engine (src/) never imports the app, the reference backends, the benchmark, tests or dev tools;
// - the app imports the engine only through its public API (src/index.ts), and ships without the
//   reference backends (only the demo entry may start them).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-level included) make modules impossible to change or load alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-imports-only-engine',
      severity: 'error',
      comment: 'src/ is the engine: the app is handed to it (GatewayApp), never imported.',
      from: { path: '^src/' },
      to: { path: '^(app|services|resolvers|backends|bench|scripts|test)/' },
    },
    {
      name: 'engine-no-dev-dependencies',
      severity: 'error',
      comment: 'The image installs production dependencies only.',
      from: { path: '^(src|app|services|resolvers)/', pathNot: '^app/demo\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'app-uses-public-engine-api',
      severity: 'error',
      comment: 'The app imports src/index.ts, so the engine can move its files freely.',
      from: { path: '^(app|services|resolvers)/' },
      to: { path: '^src/', pathNot: '^src/index\\.ts$' },
    },
    {
      name: 'app-ships-without-reference-backends',
      severity: 'error',
      comment: 'Only the demo entry (npm start) starts the reference backends; the image has none.',
      from: { path: '^(app|services|resolvers)/', pathNot: '^app/demo\\.ts$' },
      to: { path: '^(backends|bench|test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The benchmark's compiled servers (bench/servers/build-servers.ts), not sources.
    exclude: { path: '^bench/\\.build/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
