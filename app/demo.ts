/**
 * `npm start`: the demo. Starts the reference backends and the gateway in one
 * process, with in-memory cache and development secrets, then prints the URL, a
 * token for u1 and a sample query.
 */
import { startReferenceBackends } from '../backends/start-reference-backends.js';
import { ConfigError, createGateway, DEV_JWT_SECRET, onShutdownSignal, signDevToken } from '../src/index.js';
import { gatewayApp, loadAppConfig, serviceUrlEnv } from './gateway-app.js';

const backends = await startReferenceBackends({ latencyMs: Number(process.env.BACKEND_LATENCY_MS ?? 0) });

let config;
try {
  // The demo alone may fall back to the public development secrets (never in production).
  config = loadAppConfig({ ...process.env, ...serviceUrlEnv(backends.urls) }, { allowDevSecrets: true });
} catch (error) {
  await backends.close();
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const gateway = createGateway(config, gatewayApp);
const { url } = await gateway.listen();
// The demo always has an HS256 secret (the development one when JWT_SECRET is unset).
const token = await signDevToken('u1', config.jwtSecret ?? DEV_JWT_SECRET);
const query = '{ viewer { name orders(first: 3) { nodes { id status totalCents items { quantity product { name priceCents } } } } } recommendations(first: 3) { id name } }';

process.stdout.write(`
Mobile GraphQL Gateway demo
  GraphQL:   ${url}/graphql   (GraphiQL in a browser)
  Health:    ${url}/health/detailed
  Backends:  ${Object.entries(backends.urls).map(([name, u]) => `${name} ${u}`).join(', ')}
             break one on purpose: curl -X POST ${backends.urls.recommendations}/__faults -d '{"mode":"hang"}'

Dev token for u1 (12 h):
  ${token}

Sample query:
  curl -s ${url}/graphql -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${token}' \\
    -d '${JSON.stringify({ query })}'

`);

onShutdownSignal(
  async () => {
    await gateway.close();
    await backends.close();
  },
  gateway.logger,
  config.shutdownDrainMs + 5000,
);
