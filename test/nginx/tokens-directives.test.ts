import { arg, checkDirectiveArg, checkDirectiveName } from '../../lib/nginx/tokens';
import { expectConfigError } from './tokens-helpers';

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
