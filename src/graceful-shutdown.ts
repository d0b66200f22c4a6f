import { flushLogger, type Logger } from './observability/create-logger.js';

/**
 * On SIGTERM/SIGINT, runs `close` once (stop accepting, drain in-flight requests),
 * then exits 0; a second signal, or `graceMs` passing, exits at once with 1.
 */
export function onShutdownSignal(close: () => Promise<void>, logger: Logger, graceMs: number): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      flushLogger(logger);
      process.exit(1);
    }
    closing = true;
    logger.info({ signal, graceMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period passed: exiting');
      flushLogger(logger);
      process.exit(1);
    }, graceMs);
    timer.unref();
    close().then(
      () => {
        logger.info('shut down cleanly');
        flushLogger(logger);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        flushLogger(logger);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
