import { checkCookieName, checkHeaderName, checkHeaderValue } from '../../lib/nginx/tokens';
import { expectConfigError } from './tokens-helpers';

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
