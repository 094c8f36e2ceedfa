import { ConfigError, invalid } from '../../lib/errors';
import { checkInt, checkMimeType, checkPort } from '../../lib/nginx/tokens';
import { expectConfigError } from './tokens-helpers';

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
