/** Shared assertions for the nginx token tests (test/nginx/tokens-*.test.ts). */
import { ConfigError } from '../../lib/errors';

/** A regex matching exactly `message`, so `toThrow` cannot pass on a mere substring. */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Runs `fn`, expecting a ConfigError with exactly `message`. */
export function expectConfigError(fn: () => unknown, message: string): void {
  expect(fn).toThrow(ConfigError);
  expect(fn).toThrow(exactly(message));
}
