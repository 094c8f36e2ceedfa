import {
  ConfigError, RESERVED_PREFIX, arg, checkCookieName, checkDirectiveArg, checkDirectiveName, checkHeaderName,
  checkHeaderValue, checkInt, checkMimeType, checkPath, checkPort, invalid,
} from '../../lib/nginx/tokens';

/** A regex matching exactly `message`, so `toThrow` cannot pass on a mere substring. */
function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Runs `fn`, expecting a ConfigError with exactly `message`. */
function expectConfigError(fn: () => unknown, message: string): void {
  expect(fn).toThrow(ConfigError);
  expect(fn).toThrow(exactly(message));
}

describe('invalid / ConfigError', () => {
  it('names the field, shows strings as JSON and other values as they print', () => {
    const e = invalid('route path', 'a"b', 'is bad');
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConfigError');
    expect(e.message).toBe('route path "a\\"b" is bad');
    expect(invalid('port', 70000, 'is bad').message).toBe('port 70000 is bad');
    expect(invalid('x', undefined, 'is bad').message).toBe('x undefined is bad');
  });
});

describe('checkPath', () => {
  const CHARS = 'may contain only letters, digits and "/._~-"';

  it.each([
    '/',
    '/api',
    '/api/',
    '/api/v1/users',
    '/a.b/c-d_e~f/',
    '/static/app.min.js',
    '/~user/',
    '/A-Z/0-9/',
    '/_sidecarx', // only the /_sidecar/ prefix itself is reserved
    '/sidecar/_sidecar/',
    '/...', // three dots is a name, not a "." or ".." segment
  ])('accepts %j and returns it unchanged', (path) => {
    expect(checkPath('route path', path)).toBe(path);
  });

  it.each<[string, string]>([
    ['', 'route path "" must be a non-empty path starting with "/"'],
    ['api', 'route path "api" must start with "/"'],
    ['api/', 'route path "api/" must start with "/"'],
    [' /api', 'route path " /api" must start with "/"'],
    // location modifiers change the match type even when quoted
    ['=/x', 'route path "=/x" must start with "/"'],
    ['= /x', 'route path "= /x" must start with "/"'],
    ['~/x', 'route path "~/x" must start with "/"'],
    ['~*/x', 'route path "~*/x" must start with "/"'],
    ['^~/x', 'route path "^~/x" must start with "/"'],
    ['@named', 'route path "@named" must start with "/"'],
    ['http://evil/', 'route path "http://evil/" must start with "/"'],
  ])('rejects %j without a leading "/"', (path, message) => {
    expectConfigError(() => checkPath('route path', path), message);
  });

  it.each<[string, string]>([
    ['/a;b', 'route path "/a;b" may contain only letters, digits and "/._~-"'],
    ['/a{b', 'route path "/a{b" may contain only letters, digits and "/._~-"'],
    ['/a}b', 'route path "/a}b" may contain only letters, digits and "/._~-"'],
    ['/a#b', 'route path "/a#b" may contain only letters, digits and "/._~-"'],
    ['/a b', 'route path "/a b" may contain only letters, digits and "/._~-"'],
    ['/a\tb', 'route path "/a\\tb" may contain only letters, digits and "/._~-"'],
    ['/a\rb', 'route path "/a\\rb" may contain only letters, digits and "/._~-"'],
    ['/a\nb', 'route path "/a\\nb" may contain only letters, digits and "/._~-"'],
    ['/a\r\nX-Evil: 1', 'route path "/a\\r\\nX-Evil: 1" may contain only letters, digits and "/._~-"'],
    ['/a\u0000', 'route path "/a\\u0000" may contain only letters, digits and "/._~-"'],
    ['/$host', 'route path "/$host" may contain only letters, digits and "/._~-"'],
    ['/a\\b', 'route path "/a\\\\b" may contain only letters, digits and "/._~-"'],
    ['/a"b', 'route path "/a\\"b" may contain only letters, digits and "/._~-"'],
    ["/a'b", 'route path "/a\'b" may contain only letters, digits and "/._~-"'],
    ['/a=b', 'route path "/a=b" may contain only letters, digits and "/._~-"'],
    ['/a@b', 'route path "/a@b" may contain only letters, digits and "/._~-"'],
    ['/a^b', 'route path "/a^b" may contain only letters, digits and "/._~-"'],
    ['/a?b=1', 'route path "/a?b=1" may contain only letters, digits and "/._~-"'],
    ['/a%2fb', 'route path "/a%2fb" may contain only letters, digits and "/._~-"'],
    ['/a*', 'route path "/a*" may contain only letters, digits and "/._~-"'],
    ['/é', 'route path "/é" may contain only letters, digits and "/._~-"'],
    ['/api; return 200 x', 'route path "/api; return 200 x" may contain only letters, digits and "/._~-"'],
    ['/x { } location /y', 'route path "/x { } location /y" may contain only letters, digits and "/._~-"'],
  ])('rejects %j for its characters', (path, message) => {
    expect(message.endsWith(CHARS)).toBe(true);
    expectConfigError(() => checkPath('route path', path), message);
  });

  it.each([
    '/..',
    '/../etc',
    '/a/../b',
    '/a/..',
    '/a/../',
    '/.',
    '/./a',
    '/a/./b',
    '/a/.',
  ])('rejects the "." or ".." segment in %j', (path) => {
    expectConfigError(() => checkPath('route path', path),
      `route path ${JSON.stringify(path)} must not contain "." or ".." segments`);
  });

  it.each(['//', '//evil', '/a//b', '/a/b//'])('rejects the empty segment in %j', (path) => {
    expectConfigError(() => checkPath('route path', path), `route path ${JSON.stringify(path)} must not contain "//"`);
  });

  it.each(['/_sidecar', '/_sidecar/', '/_sidecar/healthz', '/_sidecar/50x.html', '/_sidecar/x/y'])(
    'rejects %j under the reserved prefix', (path) => {
      expect(RESERVED_PREFIX).toBe('/_sidecar/');
      expectConfigError(() => checkPath('route path', path),
        `route path ${JSON.stringify(path)} is reserved for the sidecar (/_sidecar/)`);
    });

  it('rejects a non-string', () => {
    expectConfigError(() => checkPath('route path', undefined as unknown as string),
      'route path undefined must be a non-empty path starting with "/"');
    expectConfigError(() => checkPath('route path', 42 as unknown as string),
      'route path 42 must be a non-empty path starting with "/"');
  });

  it('uses the given field name in the message', () => {
    expectConfigError(() => checkPath('routes[2] proxy path', '/a b'),
      `routes[2] proxy path "/a b" ${CHARS}`);
  });
});

describe('checkHeaderName', () => {
  const REASON = 'is not a valid header name (RFC 7230 token characters only)';

  it.each([
    'X-Frame-Options',
    'Strict-Transport-Security',
    'x-custom_header',
    'X-Cache-Status',
    'A',
    "!#$%&'*+.^_`|~-09azAZ", // every RFC 7230 tchar
    // only whole names are owned by nginx
    'Content-Type',
    'Content-Security-Policy',
    'X-Connection',
    'Connection-Id',
    'Upgrade-Insecure-Requests',
    'TE-X',
    'Trailers',
  ])('accepts %j', (name) => {
    expect(checkHeaderName('header name', name)).toBe(name);
  });

  it.each([
    'Connection',
    'Content-Encoding',
    'Content-Length',
    'Keep-Alive',
    'Proxy-Connection',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    // case-insensitive
    'connection',
    'CONTENT-LENGTH',
    'transfer-encoding',
    'Te',
    'content-ENCODING',
  ])('rejects %j, which nginx sets itself', (name) => {
    expectConfigError(() => checkHeaderName('header name', name), `header name ${JSON.stringify(name)} `
      + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses');
  });

  it('reports invalid characters before an owned name', () => {
    expectConfigError(() => checkHeaderName('header name', 'Connection:'), `header name "Connection:" ${REASON}`);
  });

  it.each<[string, string]>([
    ['', '""'],
    ['X Frame', '"X Frame"'],
    ['X-A:', '"X-A:"'],
    ['X-A;', '"X-A;"'],
    ['X-A{', '"X-A{"'],
    ['X-A}', '"X-A}"'],
    ['X-A\r\nX-B', '"X-A\\r\\nX-B"'],
    ['X-A\n', '"X-A\\n"'],
    ['X-A\t', '"X-A\\t"'],
    ['X-"A"', '"X-\\"A\\""'],
    ['X-A\\', '"X-A\\\\"'],
    ['X-(A)', '"X-(A)"'],
    ['X-A,B', '"X-A,B"'],
    ['X-A/B', '"X-A/B"'],
    ['X-Ä', '"X-Ä"'],
  ])('rejects %j', (name, shown) => {
    expectConfigError(() => checkHeaderName('header name', name), `header name ${shown} ${REASON}`);
  });

  it('rejects a non-string', () => {
    expectConfigError(() => checkHeaderName('header name', null as unknown as string), `header name null ${REASON}`);
  });
});

describe('checkHeaderValue', () => {
  it.each([
    'nosniff',
    'max-age=31536000; includeSubDomains',
    "default-src 'self'; script-src 'self' https://cdn.example.com",
    'a "quoted" word',
    'a{b}c#d',
    'SAMEORIGIN',
    '',
    'a  b', // inner whitespace is fine
    '! "#%&\'()*+,-./09:;<=>?@AZ[]^_`az{|}~', // every printable ASCII symbol (and space) but "$" and "\\"
  ])('accepts %j', (value) => {
    expect(checkHeaderValue('header value', value)).toBe(value);
  });

  it.each<[string, string]>([
    ['café', '"café"'],
    ['a\u0080b', '"a\u0080b"'],
    ['a\u00a0b', '"a\u00a0b"'], // no-break space
    ['a\u00a0', '"a\u00a0"'], // trim() would call it whitespace; it is refused as non-ASCII first
    ['\u2028', '"\u2028"'], // line separator
    ['😀', '"😀"'],
    ['é$host', '"é$host"'], // before "$"
    [' é', '" é"'], // before leading whitespace
  ])('rejects the character outside printable ASCII in %j', (value, shown) => {
    expectConfigError(() => checkHeaderValue('header value', value), `header value ${shown} must be printable ASCII`);
  });

  it('reports control characters and backslashes before non-ASCII characters', () => {
    expectConfigError(() => checkHeaderValue('header value', 'é\n'),
      'header value "é\\n" must not contain control characters (CR, LF, tab, ...)');
    expectConfigError(() => checkHeaderValue('header value', 'é\\'), 'header value "é\\\\" must not contain a backslash');
  });

  it.each<[string, string]>([
    ['a\r\nX-Evil: 1', '"a\\r\\nX-Evil: 1"'],
    ['a\nb', '"a\\nb"'],
    ['a\rb', '"a\\rb"'],
    ['a\tb', '"a\\tb"'],
    ['a\u0000b', '"a\\u0000b"'],
    ['a\u001bb', '"a\\u001bb"'],
    ['a\u007fb', '"a\u007fb"'],
    [' a\n', '" a\\n"'], // control characters are reported before whitespace
  ])('rejects the control character in %j', (value, shown) => {
    expectConfigError(() => checkHeaderValue('header value', value),
      `header value ${shown} must not contain control characters (CR, LF, tab, ...)`);
  });

  it.each<[string, string]>([
    ['a\\b', '"a\\\\b"'],
    ['a\\r\\nX-Evil: 1', '"a\\\\r\\\\nX-Evil: 1"'], // the escape nginx would turn into CR LF
    ['\\"', '"\\\\\\""'],
  ])('rejects the backslash in %j', (value, shown) => {
    expectConfigError(() => checkHeaderValue('header value', value), `header value ${shown} must not contain a backslash`);
  });

  it.each<[string, string]>([
    ['$host', '"$host"'],
    ['a$b', '"a$b"'],
    ['$', '"$"'],
    ['${remote_addr}', '"${remote_addr}"'],
  ])('rejects the "$" in %j', (value, shown) => {
    expectConfigError(() => checkHeaderValue('header value', value),
      `header value ${shown} must not contain "$" (nginx would read it as a variable)`);
  });

  it.each<[string, string]>([
    [' a', '" a"'],
    ['a ', '"a "'],
    [' ', '" "'],
  ])('rejects the leading or trailing whitespace in %j', (value, shown) => {
    expectConfigError(() => checkHeaderValue('header value', value),
      `header value ${shown} must not start or end with whitespace`);
  });

  it('rejects a non-string', () => {
    expectConfigError(() => checkHeaderValue('header value', 5 as unknown as string), 'header value 5 must be a string');
  });
});

describe('checkCookieName', () => {
  it.each(['session', 'SESSION_ID', 'grafana_session', 'a1', '_', 'session-id', 'connect.sid'])('accepts %j', (name) => {
    expect(checkCookieName('cookie', name)).toBe(name);
  });

  it.each<[string, string]>([
    ['', '""'],
    ['a b', '"a b"'],
    ['a;b', '"a;b"'],
    ['a$b', '"a$b"'],
    ['a{b', '"a{b"'],
    ['a#b', '"a#b"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['a\nb', '"a\\nb"'],
    ['a=b', '"a=b"'],
    ['a/b', '"a/b"'],
    ['a,b', '"a,b"'],
    ['é', '"é"'],
    // regular expression syntax: only "." may reach the renderer, which escapes it
    ['a|b', '"a|b"'],
    ['(a)', '"(a)"'],
    ['a*', '"a*"'],
    ['a+', '"a+"'],
    ['a?', '"a?"'],
    ['^a', '"^a"'],
    ['[a]', '"[a]"'],
  ])('rejects %j', (name, shown) => {
    expectConfigError(() => checkCookieName('cookie', name), `cookie ${shown} may contain only letters, digits and "._-"`);
  });

  it('rejects a non-string', () => {
    expectConfigError(() => checkCookieName('cookie', 7 as unknown as string), 'cookie 7 may contain only letters, digits and "._-"');
  });
});

describe('checkMimeType', () => {
  const REASON = 'is not a MIME type (lower-case type/subtype)';

  it.each([
    'text/css',
    'application/javascript',
    'application/rss+xml',
    'image/svg+xml',
    'application/vnd.api+json',
    'application/x-www-form-urlencoded',
    'font/woff2',
    'application/vnd.ms-fontobject',
    '3gpp/x.1',
  ])('accepts %j and returns it unchanged', (type) => {
    expect(checkMimeType('gzip.types', type)).toBe(type);
  });

  it.each<[string, string]>([
    ['', '""'],
    ['text', '"text"'],
    ['text/', '"text/"'],
    ['/css', '"/css"'],
    ['Text/CSS', '"Text/CSS"'],
    ['Text/css', '"Text/css"'],
    ['text/CSS', '"text/CSS"'],
    ['text/css; charset=utf-8', '"text/css; charset=utf-8"'],
    ['text/css text/html', '"text/css text/html"'],
    ['text/*', '"text/*"'],
    ['*/*', '"*/*"'],
    ['a/b/c', '"a/b/c"'],
    ['-text/css', '"-text/css"'],
    ['text/.css', '"text/.css"'],
    ['text/c$s', '"text/c$s"'],
    ['text/css;', '"text/css;"'],
    ['text/css{', '"text/css{"'],
    ['text/css\n', '"text/css\\n"'],
    ['text/cs\\s', '"text/cs\\\\s"'],
    ['text/cssé', '"text/cssé"'],
  ])('rejects %j', (type, shown) => {
    expectConfigError(() => checkMimeType('gzip.types', type), `gzip.types ${shown} ${REASON}`);
  });

  it('rejects a non-string', () => {
    expectConfigError(() => checkMimeType('gzip.types', null as unknown as string), `gzip.types null ${REASON}`);
  });
});

describe('checkDirectiveName', () => {
  const REASON = 'is not a directive name (lower-case letters, digits and "_")';

  it.each(['expires', 'proxy_set_header', 'gzip_static', 'http2', 'a'])('accepts %j', (name) => {
    expect(checkDirectiveName('directive', name)).toBe(name);
  });

  it.each<[string, string]>([
    ['', '""'],
    ['Expires', '"Expires"'],
    ['1abc', '"1abc"'],
    ['_abc', '"_abc"'],
    ['proxy-pass', '"proxy-pass"'],
    ['a;b', '"a;b"'],
    ['a b', '"a b"'],
    ['a{', '"a{"'],
    ['}', '"}"'],
    ['#a', '"#a"'],
    ['$a', '"$a"'],
    ['a\n', '"a\\n"'],
    ['"a"', '"\\"a\\""'],
    ['a\\', '"a\\\\"'],
  ])('rejects %j', (name, shown) => {
    expectConfigError(() => checkDirectiveName('directive', name), `directive ${shown} ${REASON}`);
  });
});

describe('checkDirectiveArg', () => {
  it.each([
    'on',
    '',
    'a;b {c}',
    '#not a comment',
    '$upstream_addr', // variables are what extra directives are for
    'a "quoted" b',
    "it's",
    '}',
  ])('accepts %j', (value) => {
    expect(checkDirectiveArg('directive arg', value)).toBe(value);
  });

  it.each<[string, string]>([
    ['a\nb', '"a\\nb"'],
    ['a\rb', '"a\\rb"'],
    ['a\r\nb', '"a\\r\\nb"'],
    ['a\tb', '"a\\tb"'],
    ['\u0000', '"\\u0000"'],
  ])('rejects the control character in %j', (value, shown) => {
    expectConfigError(() => checkDirectiveArg('directive arg', value),
      `directive arg ${shown} must not contain control characters (CR, LF, tab, ...)`);
  });

  it.each<[string, string]>([
    ['a\\b', '"a\\\\b"'],
    ['\\n', '"\\\\n"'],
    ['\\"', '"\\\\\\""'],
  ])('rejects the backslash in %j', (value, shown) => {
    expectConfigError(() => checkDirectiveArg('directive arg', value), `directive arg ${shown} must not contain a backslash`);
  });

  it('rejects a non-string', () => {
    expectConfigError(() => checkDirectiveArg('directive arg', 1 as unknown as string), 'directive arg 1 must be a string');
  });
});

describe('checkInt / checkPort', () => {
  it.each([1, 5, 10])('checkInt accepts %p in [1, 10]', (n) => {
    expect(checkInt('n', n, 1, 10)).toBe(n);
  });

  it.each<[number, string]>([
    [0, '0'],
    [11, '11'],
    [-1, '-1'],
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('checkInt rejects %p outside [1, 10] or not an integer', (n, shown) => {
    expectConfigError(() => checkInt('workers', n, 1, 10), `workers ${shown} must be an integer from 1 to 10`);
  });

  it('checkInt rejects a numeric string', () => {
    expectConfigError(() => checkInt('workers', '5' as unknown as number, 1, 10),
      'workers "5" must be an integer from 1 to 10');
  });

  it.each([1, 80, 8080, 65535])('checkPort accepts %p', (p) => {
    expect(checkPort('port', p)).toBe(p);
  });

  it.each<[number, string]>([
    [0, '0'],
    [65536, '65536'],
    [-80, '-80'],
    [80.5, '80.5'],
    [NaN, 'NaN'],
  ])('checkPort rejects %p', (p, shown) => {
    expectConfigError(() => checkPort('port', p), `port ${shown} must be an integer from 1 to 65535`);
  });
});

describe('arg', () => {
  it.each([
    'on',
    '8080',
    '127.0.0.1:8080',
    '/var/cache/nginx/nginx.pid',
    'text/css',
    'application/rss+xml',
    'max_size=64m',
    'levels=1:2',
    'a,b',
    '*.example.com',
    '100%',
    'user@host',
    '/~user/',
  ])('writes %j bare', (value) => {
    expect(arg(value)).toBe(value);
  });

  it.each<[string, string]>([
    ['', '""'],
    ['a b', '"a b"'],
    ['a;b', '"a;b"'],
    ['a;b {c}', '"a;b {c}"'],
    ['{', '"{"'],
    ['}', '"}"'],
    ['#x', '"#x"'],
    ['a#b', '"a#b"'],
    ['$host', '"$host"'],
    ["it's", '"it\'s"'],
    ['a"b', '"a\\"b"'],
    ['"', '"\\""'],
    ['say "hi" now', '"say \\"hi\\" now"'],
    ['max-age=31536000; includeSubDomains', '"max-age=31536000; includeSubDomains"'],
    ["default-src 'self'", '"default-src \'self\'"'],
    ['é', '"é"'],
  ])('quotes %j as %s', (value, quoted) => {
    expect(arg(value)).toBe(quoted);
  });

  it.each<[string, string]>([
    ['a\nb', 'internal: unsafe nginx argument "a\\nb"'],
    ['a\r\nX-Evil: 1', 'internal: unsafe nginx argument "a\\r\\nX-Evil: 1"'],
    ['a\tb', 'internal: unsafe nginx argument "a\\tb"'],
    ['a\\b', 'internal: unsafe nginx argument "a\\\\b"'],
    ['\\"', 'internal: unsafe nginx argument "\\\\\\""'],
  ])('refuses %j as the second line of defence', (value, message) => {
    expectConfigError(() => arg(value), message);
  });
});
