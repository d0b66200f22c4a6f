import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go; tests pass a stream and parse them back. @default stdout */
  destination?: DestinationStream;
}

/**
 * The gateway's pino logger: JSON lines, secrets redacted wherever they appear in
 * a logged object (headers, tokens).
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
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
    },
    options.destination,
  );
}
