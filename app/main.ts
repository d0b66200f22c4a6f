/**
 * `npm run gateway`: the gateway alone, configured by the environment
 * (README "Configuration"). Exits non-zero naming every bad variable.
 */
import { ConfigError, createGateway, onShutdownSignal } from '../src/index.js';
import { gatewayApp, loadAppConfig } from './gateway-app.js';

let config;
try {
  config = loadAppConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

let gateway;
try {
  gateway = createGateway(config, gatewayApp);
} catch (error) {
  // Configuration that only the schema can check (e.g. rateLimits naming no field).
  process.stderr.write(`Invalid configuration: ${(error as Error).message}\n`);
  process.exit(2);
}
if (config.production && config.opsPort === null && config.opsToken === null) {
  gateway.logger.warn('/metrics and /health/detailed are public: set OPS_PORT (a listener only the cluster reaches) or OPS_TOKEN');
}
const { url } = await gateway.listen();
gateway.logger.info({ url: `${url}/graphql`, services: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, s.url])) }, 'gateway listening');
// The drain, plus a few seconds to close pools and Redis.
onShutdownSignal(() => gateway.close(), gateway.logger, config.shutdownDrainMs + 5000);
