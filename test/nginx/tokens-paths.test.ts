import { RESERVED_PREFIX, checkPath } from '../../lib/nginx/tokens';
import { expectConfigError } from './tokens-helpers';

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
