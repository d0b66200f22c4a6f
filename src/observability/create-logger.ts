import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go; tests pass a stream and parse them back. @default stdout */
  destination?: DestinationStream;
  /** Human-readable lines through pino-pretty (a development dependency) when installed. @default false */
  pretty?: boolean;
}

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
    options.destination,
  );
  if (options.pretty === true && !pretty) logger.warn('LOG_FORMAT=pretty needs pino-pretty (a development dependency): logging JSON');
  return logger;
}
