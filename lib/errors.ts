/**
 * Thrown for any input that would produce a broken or unsafe nginx.conf or manifest. The message
 * names the field and the value, then the reason.
 *
 * TypeScript and JavaScript only: jsii cannot carry a subclass of `Error` to other languages, so
 * Python, Java, Go and .NET callers get the same message in their binding's own error type.
 * @jsii ignore
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

/**
 * A value as messages show it: strings quoted (as JSON), objects with a name of their own (a Route,
 * a Directive) by it, other objects and lists as JSON (a value of the wrong type from plain
 * JavaScript) with a cdk8s Duration or Size inside as it reads ("5 seconds", "8Mi"), the rest as
 * `String` does.
 */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (value !== null && typeof value === 'object') {
    if (!Array.isArray(value) && value.toString !== Object.prototype.toString && typeof value.toString === 'function') {
      return String(value);
    }
    try {
      return JSON.stringify(value, readable) ?? Object.prototype.toString.call(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** JSON.stringify's replacer: a Duration (toHumanString) or a Size (asString) as it reads. */
function readable(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object') {
    const d = v as { toHumanString?: () => string; asString?: () => string };
    if (typeof d.toHumanString === 'function') {
      return d.toHumanString();
    }
    if (typeof d.asString === 'function') {
      return d.asString();
    }
  }
  return v;
}
