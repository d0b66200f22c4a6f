/**
 * Child process: the gateway as production runs it (app/main.ts), every feature
 * on: production config from the environment, pino at `info` (writing to
 * /dev/null, so log formatting is paid for but no terminal is), metrics,
 * policies, in-memory tiered cache.
 */
import { gatewayApp, loadAppConfig } from '../../app/gateway-app.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { runChild } from './child-protocol.js';

runChild(async () => {
  const config = loadAppConfig(process.env);
  // The gateway's own buffered writer, to /dev/null: formatting and writes are paid for, no terminal is.
  const logger = createLogger({ level: config.logLevel, to: '/dev/null' });
  const gateway = createGateway(config, gatewayApp, { logger });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return { info: { url } };
});
