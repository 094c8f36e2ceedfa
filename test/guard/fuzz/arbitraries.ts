/**
 * The generators of the injection fuzzing (test/guard/injection-fuzz-*.test.ts): valid-looking values
 * (so a good share is accepted), the same with nginx metacharacters, control characters, unicode,
 * `..` and `//` inserted, location modifiers in front, arbitrary code points (lone surrogates
 * included), and very long values around nginx's 4 KiB token buffer.
 */
import * as fc from 'fast-check';

const META = [
  ';', '{', '}', '#', '\'', '"', '\\', '$', '`', ' ', '\t', '\r', '\n', '\r\n', '\0', '\x0b', '\x0c', '\x7f', '\x1b',
  '\u0085', '\u00a0', '\u2028', 'é', '\u{1F600}', '\ud800', '..', '/..', '../', '//', '/', '.', '=', '~', '^~', '~*', '@',
  '*', '(', ')', ',', ':', '%', '&', '|', '?', '+', '<', '>', '[', ']', '\\n', '\\r', '\\"', '${', '$host', '${host}',
  '%0d%0a', ' #', ';}', '"; add_header X-Evil 1; #', '}\nserver {', '\\\'', '/_sidecar/', '\r\nX-Injected: 1',
];
const LEADERS = ['=', '= ', '~', '~*', '^~', '@', ' ', '\t', '"', '\'', '#', '}', '\\', '$'];

function chars(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...[...alphabet]), minLength, maxLength });
}

/** `valid` with 1 to 3 metacharacters inserted at arbitrary positions. */
function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...META)), { minLength: 1, maxLength: 3 }))
    .map(([s, inserts]) => inserts.reduce((acc, [at, m]) => {
      const i = at % (acc.length + 1);
      return acc.slice(0, i) + m + acc.slice(i);
    }, s));
}

/** `valid` padded with `filler` to a length in [min, max]: by default around nginx's 4096-byte token buffer. */
function long(valid: fc.Arbitrary<string>, filler: string, min = 3950, max = 4200): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.integer({ min, max })).map(([s, n]) => s + filler.repeat(Math.max(0, n - s.length)));
}

/**
 * The mix used for every field: about half valid-looking, half adversarial (more valid-looking for
 * elements of lists, where one bad element refuses the whole case).
 */
export function fuzzed(valid: fc.Arbitrary<string>, filler: string, validWeight = 10): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: validWeight, arbitrary: valid },
    { weight: 8, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LEADERS), valid).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 1, arbitrary: long(valid, filler, 500, 3000) },
    { weight: 1, arbitrary: long(valid, filler) },
  );
}

const PATH_SEGMENT = fc.oneof(
  { weight: 8, arbitrary: chars('abcxyzABZ019._~-', 1, 10) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', '...', '..a', '.well-known', '_sidecar', 'healthz', '~user', '-', 'api') },
);
export const VALID_PATH = fc.tuple(fc.array(PATH_SEGMENT, { maxLength: 4 }), fc.boolean())
  .map(([segs, slash]) => `/${segs.join('/')}${slash && segs.length > 0 ? '/' : ''}`);

const TOKEN_CHARS = 'XYZabc-_019!#$%&\'*+.^`|~';
export const VALID_HEADER_NAME = fc.oneof(
  { weight: 6, arbitrary: chars(TOKEN_CHARS, 1, 16) },
  { weight: 3, arbitrary: fc.constantFrom('X-Frame-Options', 'Referrer-Policy', 'Cache-Control', 'cache-control', 'Set-Cookie', 'X-$host', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom('Content-Length', 'connection', 'Transfer-Encoding', 'Upgrade', 'TE') },
);
/** Printable ASCII but `$` and `\`: all accepted, including `;{}#'"` which must stay inside quotes. */
const VALUE_CHARS = [...Array(95)].map((_, i) => String.fromCharCode(32 + i)).filter((c) => c !== '$' && c !== '\\').join('');
export const VALID_HEADER_VALUE = fc.oneof(
  { weight: 6, arbitrary: chars(VALUE_CHARS, 0, 40).map((s) => s.trim()) },
  { weight: 3, arbitrary: fc.constantFrom('nosniff', 'DENY', 'max-age=31536000; includeSubDomains', 'default-src \'self\'; img-src *',
    '"quoted"', '}', '#', '{a}', 'a;b', ';', '\'', '"', 'no-cache') },
);
/** Directive names nginx knows, simple and block ones (those must be refused: only simple directives can be added). */
export const KNOWN_DIRECTIVES = ['proxy_buffers', 'expires', 'add_header', 'proxy_set_header', 'include', 'set', 'return', 'location', 'if',
  'server', 'map', 'types', 'charset_map', 'geo', 'split_clients', 'limit_except', 'events', 'http', 'upstream'];
export const VALID_DIRECTIVE_NAME = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/) },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_DIRECTIVES) },
);
/** Arguments may hold `$`, spaces and any unicode (even a lone surrogate, which UTF-8 cannot carry). */
const ARG_CHARS = `${VALUE_CHARS}$\u00e9\u00a0\u2028\u0085\ud800`;
export const VALID_ARG = fc.oneof(
  { weight: 6, arbitrary: chars(ARG_CHARS, 0, 30) },
  { weight: 3, arbitrary: fc.constantFrom('16', '8k', '$host', '${host}x', 'a;b {c} #d', '"', '\'', '', ' ', '#', '}', '{', 'off', '\u{1F600}') },
);
export const VALID_COOKIE = fc.oneof(
  { weight: 6, arbitrary: chars('abcXYZ019._-', 1, 16) },
  { weight: 3, arbitrary: fc.constantFrom('session', 'connect.sid', 'session-id', '__Host-id', 'a.b.c', '.', '-', '_') },
);
export const VALID_MIME = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('text', 'application', 'image', 'font', 'x'), chars('abcxyz019!&^_.+-', 1, 12))
    .map(([t, s]) => `${t}/${s}`) },
  { weight: 4, arbitrary: fc.constantFrom('text/css', 'application/json', 'image/svg+xml', 'application/vnd.api+json', 'text/plain',
    'image/png', 'text/html', '*/*', '*', 'Text/CSS', 'text/', '/css') },
);
export const VALID_FILE_NAME = fc.oneof(
  { weight: 6, arbitrary: chars('abcXYZ019._-', 1, 14) },
  { weight: 3, arbitrary: fc.constantFrom('index.html', 'app.js', '.hidden', '.env', '.well-known', 'a..b', '-', '_', '..a', 'x~y') },
);
