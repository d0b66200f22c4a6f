import { ConfigError } from '../config/config-error.js';

/**
 * `@source`/`@connect` declarations the gateway cannot serve: one line per problem,
 * each naming the schema file, the field (or source) and what is wrong. A ConfigError,
 * so start-up stops with exit code 2 as for any other configuration mistake.
 */
export class ConnectorSchemaError extends ConfigError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'ConnectorSchemaError';
  }
}
