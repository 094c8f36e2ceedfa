import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { invalid } from '../errors';
import { isPlainObject } from '../k8s/metadata-values';

/**
 * Checks of prop values that TypeScript would catch but plain JavaScript (or a jsii language) does
 * not, and of the ranges nginx and Kubernetes accept. Each error names the field and the value.
 */

/** The largest size accepted anywhere (1 TiB): far beyond any pod, and far inside nginx's and Kubernetes' ranges. */
export const MAX_KIB = 1024 ** 3;

/**
 * The longest duration accepted for nginx timers (2^31 - 1 ms, about 24.8 days): the range nginx's
 * millisecond timers keep on every platform.
 */
export const MAX_MS = 2 ** 31 - 1;

/** A value of a prop typed `Size`, given as something else (`'10m'`, `1024`). */
export function checkSize(field: string, value: unknown): Size {
  if (typeof (value as Size | undefined)?.toKibibytes !== 'function') {
    throw invalid(field, value, 'must be a cdk8s Size, e.g. Size.mebibytes(1)');
  }
  return value as Size;
}

/** A value of a prop typed `Duration`, given as something else (`5000`, `'5s'`). */
export function checkDuration(field: string, value: unknown): Duration {
  if (typeof (value as Duration | undefined)?.toMilliseconds !== 'function') {
    throw invalid(field, value, 'must be a cdk8s Duration, e.g. Duration.seconds(5)');
  }
  return value as Duration;
}

/** A size in whole KiB, from 1 KiB to 1 TiB. */
export function kib(field: string, value: unknown): number {
  const size = checkSize(field, value);
  const v = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(v) || v < 1) {
    throw invalid(field, size.asString(), 'must be a whole number of KiB, at least 1Ki');
  }
  if (v > MAX_KIB) {
    throw invalid(field, size.asString(), 'must be at most 1Ti');
  }
  return v;
}

/** A size in whole MiB, from 1 MiB to 1 TiB. */
export function mib(field: string, value: unknown): number {
  const v = kib(field, value);
  if (v % 1024 !== 0) {
    throw invalid(field, checkSize(field, value).asString(), 'must be a whole number of MiB');
  }
  return v / 1024;
}

/** A duration in whole milliseconds, from 1 ms to `MAX_MS`. */
export function milliseconds(field: string, value: unknown): number {
  const d = checkDuration(field, value);
  // integral: false, so a fractional value gets this message rather than cdk8s' own, which names no field.
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) {
    throw invalid(field, d.toHumanString(), 'must be a whole number of milliseconds, at least 1ms');
  }
  if (ms > MAX_MS) {
    throw invalid(field, d.toHumanString(), `must be at most ${MAX_MS}ms (about 24.8 days), the range of nginx's timers`);
  }
  return ms;
}

/**
 * A duration that nginx reads in seconds (`proxy_cache_valid`, a cache zone's `inactive`, which
 * refuse `500ms`), in milliseconds: a whole number of seconds, at least one, at most `MAX_MS`.
 */
export function secondsInMs(field: string, value: unknown, directive: string): number {
  const ms = milliseconds(field, value);
  if (ms % 1000 !== 0) {
    throw invalid(field, checkDuration(field, value).toHumanString(), `must be a whole number of seconds: nginx reads ${directive} in seconds`);
  }
  return ms;
}

/** A duration in whole seconds from `min` to `max`; `range` says both as the message shows them ('0 to 300'). */
export function wholeSeconds(field: string, value: unknown, min: number, max: number, range: string): number {
  const d = checkDuration(field, value);
  const s = d.toMilliseconds({ integral: false }) / 1000;
  if (!Number.isInteger(s) || s < min || s > max) {
    throw invalid(field, d.toHumanString(), `must be whole seconds from ${range}`);
  }
  return s;
}

/** A prop typed `boolean`. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw invalid(field, value, 'must be true or false');
  }
  return value;
}

/** A prop typed `string`. */
export function checkString(field: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw invalid(field, value, 'must be a string');
  }
  return value;
}

/**
 * A map given as a plain object (a literal, or `Object.create(null)`); `what` says what it maps, for
 * the message. A `Map`, an array or a class instance is refused: its entries would not be read.
 */
export function checkRecord(field: string, value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    if (value instanceof Map) {
      throw invalid(field, Object.fromEntries(value), `is a Map, whose entries would not be read: give an object of ${what} ({ name: value })`);
    }
    throw invalid(field, value, `must be an object of ${what}`);
  }
  return value as Record<string, unknown>;
}

/** An options object that may be left out, but not given as null or a non-object. */
export function optionsObject<T>(field: string, value: T | undefined): T | Record<string, never> {
  if (value === undefined) {
    return {};
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(field, value, 'must be an object (or left out)');
  }
  if (value instanceof Map || value instanceof Set) {
    // Its entries are not properties: every option would silently take its default.
    throw invalid(field, value instanceof Map ? Object.fromEntries(value) : [...value],
      `is a ${value.constructor.name}, whose entries would not be read: give an object ({ option: value })`);
  }
  return value;
}
