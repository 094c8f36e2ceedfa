/**
 * The rules for every user-supplied string that can reach nginx.conf.
 *
 * nginx ends an unquoted token at whitespace, `;` or `{`, treats `}` and `#` specially at a token
 * start, turns `\r`/`\n` escapes inside quotes into real control characters, interpolates `$name` in
 * most arguments and has no escape for `$`. A location path starting with `=`, `~`, `^~` or `@`
 * changes the match type even when quoted. So the policy is an allow-list per kind of value, checked
 * where the value enters, and quoting as a second line of defence when a token is written out.
 */

import { ConfigError, invalid } from '../errors';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';

const PATH_CHARS = /^\/[A-Za-z0-9._~\/-]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const NOT_VISIBLE_ASCII = /[^\x20-\x7e]/;
const COOKIE_NAME = /^[A-Za-z0-9._-]+$/;
/** RFC 6838 restricted names, lower-case, without the "$" and "#" no real type uses. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!&^_.+-]*\/[a-z0-9][a-z0-9!&^_.+-]*$/;
/** Headers nginx itself owns (framing, hop-by-hop, compression): adding them corrupts responses. */
const NGINX_OWNED_HEADERS = new Set([
  'connection', 'content-encoding', 'content-length', 'keep-alive', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
]);
const DIRECTIVE_NAME = /^[a-z][a-z0-9_]*$/;
const SAFE_BARE = /^[A-Za-z0-9_.:\/=*+,@^~%-]+$/;

/**
 * Byte limits that keep every token well inside nginx's 4096-byte config read buffer, even with
 * each `"` escaped, and the gzip_types entries inside nginx's fixed 64-byte hash buckets.
 */
export const MAX_BYTES = { path: 1024, headerName: 256, headerValue: 1024, cookieName: 256, mimeType: 46, directiveName: 64, directiveArg: 1024 };

function checkBytes(field: string, value: string, max: number, why = 'the most one nginx.conf token may safely hold'): void {
  const bytes = Buffer.byteLength(value);
  if (bytes > max) {
    throw invalid(field, value, `is ${bytes} bytes long; ${max} bytes is ${why}`);
  }
}

/** Paths the sidecar keeps for itself: its health endpoint and error page. */
export const RESERVED_PREFIX = '/_sidecar/';

/**
 * A URI path used as a location or in a route: starts with `/`, and uses only letters, digits and
 * `/._~-`, so it can neither change the match type nor leave the directive.
 */
export function checkPath(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(field, value, 'must be a non-empty path starting with "/"');
  }
  if (!value.startsWith('/')) {
    throw invalid(field, value, 'must start with "/"');
  }
  checkBytes(field, value, MAX_BYTES.path);
  if (!PATH_CHARS.test(value)) {
    throw invalid(field, value, 'may contain only letters, digits and "/._~-"');
  }
  if (value.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw invalid(field, value, 'must not contain "." or ".." segments');
  }
  if (value.includes('//')) {
    throw invalid(field, value, 'must not contain "//"');
  }
  if (value.startsWith(RESERVED_PREFIX) || value === RESERVED_PREFIX.slice(0, -1)) {
    throw invalid(field, value, `is reserved for the sidecar (${RESERVED_PREFIX})`);
  }
  return value;
}

/** An HTTP header name: an RFC 7230 token. */
export function checkHeaderName(field: string, value: string): string {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    throw invalid(field, value, 'is not a valid header name (RFC 7230 token characters only)');
  }
  checkBytes(field, value, MAX_BYTES.headerName);
  if (NGINX_OWNED_HEADERS.has(value.toLowerCase())) {
    throw invalid(field, value, 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses');
  }
  return value;
}

/**
 * An HTTP header value written literally: printable, no control characters (no CR/LF injection),
 * no backslash (nginx unescapes inside quotes) and no `$` (nginx would read a variable).
 */
export function checkHeaderValue(field: string, value: string): string {
  checkQuotable(field, value);
  checkBytes(field, value, MAX_BYTES.headerValue);
  if (NOT_VISIBLE_ASCII.test(value)) {
    throw invalid(field, value, 'must be printable ASCII');
  }
  if (value.includes('$')) {
    throw invalid(field, value, 'must not contain "$" (nginx would read it as a variable)');
  }
  if (value.trim() !== value) {
    throw invalid(field, value, 'must not start or end with whitespace');
  }
  return value;
}

/** A cookie name, matched in the Cookie header by a regular expression the renderer escapes. */
export function checkCookieName(field: string, value: string): string {
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw invalid(field, value, 'may contain only letters, digits and "._-"');
  }
  checkBytes(field, value, MAX_BYTES.cookieName);
  return value;
}

/** A MIME type such as `application/json`. */
export function checkMimeType(field: string, value: string): string {
  if (typeof value !== 'string' || !MIME_TYPE.test(value)) {
    throw invalid(field, value, 'is not a MIME type (lower-case type/subtype)');
  }
  checkBytes(field, value, MAX_BYTES.mimeType, 'the longest type nginx\'s gzip_types hash can hold');
  return value;
}

/** The name of an extra directive given through an escape hatch. */
export function checkDirectiveName(field: string, value: string): string {
  if (typeof value !== 'string' || !DIRECTIVE_NAME.test(value)) {
    throw invalid(field, value, 'is not a directive name (lower-case letters, digits and "_")');
  }
  checkBytes(field, value, MAX_BYTES.directiveName);
  return value;
}

/**
 * An argument of an extra directive. It is quoted when written, so `;`, `{`, `#` and spaces stay
 * inside it; control characters and backslashes are refused because nginx would unescape them.
 * `$` is allowed here (and only here): variables are what extra directives are for.
 */
export function checkDirectiveArg(field: string, value: string): string {
  checkQuotable(field, value);
  // nginx takes it, but nginx.conf travels in a ConfigMap: what a YAML reader would not read back as written.
  const unsafe = yamlUnsafeCharacter(value);
  if (unsafe) {
    throw invalid(field, value, `must not contain ${unsafe}: YAML readers such as kubectl's read it as a line break or refuse it`);
  }
  checkBytes(field, value, MAX_BYTES.directiveArg);
  return value;
}

/** A string that stays one literal token inside double quotes: no control characters, no backslash. */
function checkQuotable(field: string, value: string): string {
  if (typeof value !== 'string') {
    throw invalid(field, value, 'must be a string');
  }
  if (CONTROL.test(value)) {
    throw invalid(field, value, 'must not contain control characters (CR, LF, tab, ...)');
  }
  if (value.includes('\\')) {
    throw invalid(field, value, 'must not contain a backslash');
  }
  if (/\p{Surrogate}/u.test(value)) {
    // UTF-8 cannot encode it: it would reach nginx.conf as U+FFFD, not as written.
    throw invalid(field, value, 'must be valid Unicode (it has a lone surrogate)');
  }
  return value;
}

/** An integer in [min, max]. */
export function checkInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A TCP port a container listens on. */
export function checkPort(field: string, value: number): number {
  return checkInt(field, value, 1, 65535);
}

/**
 * Writes one argument: bare when it is made only of characters nginx never treats specially,
 * otherwise double-quoted with `"` escaped. Arguments with control characters or backslashes never
 * reach this point (the check functions refuse them); this is the second line of defence.
 */
export function arg(value: string): string {
  if (CONTROL.test(value) || yamlUnsafeCharacter(value) !== undefined || value.includes('\\')) {
    throw new ConfigError(`internal: unsafe nginx argument ${JSON.stringify(value)}`);
  }
  if (SAFE_BARE.test(value) && !value.startsWith('#')) {
    return value;
  }
  return `"${value.replace(/"/g, '\\"')}"`;
}
