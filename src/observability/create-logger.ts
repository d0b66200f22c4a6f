import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** pino's levels, plus `silent` (LOG_LEVEL). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go; tests pass a stream and parse them back. @default the buffered writer to `to` */
  destination?: DestinationStream;
  /** The file descriptor or file the buffered writer appends to when no `destination` is given. @default 1 (stdout) */
  to?: number | string;
  /** Human-readable lines through pino-pretty (a development dependency) when installed. @default false */
  pretty?: boolean;
}

/** Log lines held before they are written together (about 15 access lines). */
const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits in that buffer. */
const LOG_FLUSH_MS = 100;

/** pino-pretty is only installed with the development dependencies. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * The gateway's pino logger: JSON lines, secrets redacted wherever they appear in
 * a logged object (headers, tokens).
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty === true && options.destination === undefined && prettyAvailable();
  // Asynchronous and buffered: a synchronous write per log line cost ~7 % of the gateway's
  // CPU under load, and an asynchronous one still made a write system call per line.
  // Lines now go out together once LOG_BUFFER_BYTES are pending, and at least every
  // LOG_FLUSH_MS, so a quiet gateway's lines are never held longer than that; pino writes
  // out what is pending when the process exits, and `flushLogger` at shutdown.
  const destination =
    options.destination ??
    (pretty ? undefined : pino.destination({ dest: options.to ?? 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS }));
  const logger = pino(
    {
      level: options.level,
      base: { service: 'mobile-gateway' },
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          '*.headers.authorization',
          'req.headers.authorization',
          'token',
          'syncToken',
          '*.syncToken',
          'jwtSecret',
          'syncTokenSecret',
        ],
        censor: '[redacted]',
      },
      ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
    },
    destination,
  );
  if (options.pretty === true && !pretty) logger.warn('LOG_FORMAT=pretty needs pino-pretty (a development dependency): logging JSON');
  return logger;
}

/** Writes out buffered log lines (before the process exits). */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // A destination that cannot flush (already closed): nothing more to write.
  }
}
