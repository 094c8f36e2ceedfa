/**
 * Thrown for any input that would produce a broken or unsafe nginx.conf or manifest. The message
 * names the field and the value, then the reason.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Builds the one message format used everywhere: the field, the value as JSON, then the reason. */
export function invalid(field: string, value: unknown, reason: string): ConfigError {
  return new ConfigError(`${field} ${describe(value)} ${reason}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  return String(value);
}
