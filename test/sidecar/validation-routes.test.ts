import { ConfigError, Directive, DirectiveContext, Route } from '../../lib';
import { TempDir, exactly } from './helpers';
import { attach } from './validation-helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('route paths', () => {
  test('the same path twice', () => {
    expect(() => attach({ routes: [Route.proxy('/api/'), Route.proxy('/api/')] }))
      .toThrow(exactly('routes[1] Route.proxy("/api/") path "/api/" is already served by Route.proxy("/api/")'));
  });

  test('the same prefix from a static and a proxy route', () => {
    dir.write('site/index.html', 'hi');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: dir.path('site') }), Route.proxy('/')] }))
      .toThrow(exactly('routes[1] Route.proxy("/") path "/" is already served by Route.staticFiles("/")'));
  });

  test('the same path twice through addRoute', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    // WHEN / THEN
    expect(() => sidecar.addRoute(Route.proxy('/')))
      .toThrow(exactly('routes[1] Route.proxy("/") path "/" is already served by Route.proxy("/")'));
  });

  test('an exact file route and a prefix route on the same path do not clash', () => {
    const file = dir.write('x.js', 'x');
    const sidecar = attach({ routes: [Route.proxy('/x.js'), Route.file('/x.js', { path: file })] });
    expect(sidecar.routeList.map(String)).toStrictEqual(['Route.proxy("/x.js")', 'Route.file("/x.js")']);
  });

  test.each(['api/', '=/api', '~/api', '^~/api', '@named'])('path %j must start with "/"', (path) => {
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${JSON.stringify(path)}) path ${JSON.stringify(path)} must start with "/"`));
  });

  test.each(['/a;b', '/a{b', '/a}b', '/a b', '/$host', '/a#b', '/a"b', '/a\nb'])('path %j has a character nginx would interpret', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} may contain only letters, digits and "/._~-"`));
  });

  test.each(['/a/../b', '/..', '/a/./b'])('path %j has a dot segment', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} must not contain "." or ".." segments`));
  });

  test('empty path', () => {
    expect(() => Route.proxy('')).toThrow(exactly('Route.proxy("") path "" must be a non-empty path starting with "/"'));
  });

  test.each(['/_sidecar/', '/_sidecar/healthz', '/_sidecar'])('reserved path %j', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} is reserved for the sidecar (/_sidecar/)`));
  });

  test('the same checks for static and file routes', () => {
    expect(() => Route.staticFiles('/_sidecar/', { directory: 'x' }))
      .toThrow(exactly('Route.staticFiles("/_sidecar/") path "/_sidecar/" is reserved for the sidecar (/_sidecar/)'));
    expect(() => Route.file('/a;b', { path: 'x' }))
      .toThrow(exactly('Route.file("/a;b") path "/a;b" may contain only letters, digits and "/._~-"'));
  });

  test('a static route\'s path must end with "/"', () => {
    expect(() => Route.staticFiles('/www', { directory: 'x' }))
      .toThrow(exactly('Route.staticFiles("/www") path "/www" must end with "/" (it names a directory)'));
  });

  test('a file route\'s path must not end with "/"', () => {
    expect(() => Route.file('/x/', { path: 'x' })).toThrow(exactly('Route.file("/x/") path "/x/" must name a file, not end with "/"'));
  });

  test('stripPrefix needs a path ending with "/"', () => {
    expect(() => Route.proxy('/api', { stripPrefix: true }))
      .toThrow(exactly('Route.proxy("/api") path "/api" must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")'));
  });
});

describe('directives', () => {
  test.each(['location', 'server', 'if', 'upstream'])('block directive %s', (name) => {
    expect(() => Directive.of(name, '/x')).toThrow(exactly(`Directive name "${name}" opens a block; only simple directives can be added`));
  });

  test.each(['Proxy_buffer_size', 'proxy-buffer-size', 'a;b', '', 'add_header;'])('bad directive name %j', (name) => {
    expect(() => Directive.of(name)).toThrow(exactly(`Directive name ${JSON.stringify(name)} is not a directive name (lower-case letters, digits and "_")`));
  });

  test('a CR in an argument', () => {
    expect(() => Directive.of('add_header', 'X-A', 'a\rb'))
      .toThrow(exactly('Directive "add_header" argument 2 "a\\rb" must not contain control characters (CR, LF, tab, ...)'));
  });

  test('a backslash in an argument', () => {
    expect(() => Directive.of('add_header', 'X-A\\n'))
      .toThrow(exactly('Directive "add_header" argument 1 "X-A\\\\n" must not contain a backslash'));
  });

  test.each([DirectiveContext.HTTP, DirectiveContext.SERVER])('add_header at %s level', (context) => {
    const sidecar = attach({ routes: [Route.proxy('/')] });
    expect(() => sidecar.addDirective(context, Directive.of('add_header', 'X-A', 'b', 'always')))
      .toThrow(exactly(`addDirective(${context}) "add_header" would be ignored in every location; use responseHeaders or a route's headers`));
  });

  test.each([DirectiveContext.HTTP, DirectiveContext.SERVER])('proxy_set_header at %s level', (context) => {
    const sidecar = attach({ routes: [Route.proxy('/')] });
    expect(() => sidecar.addDirective(context, Directive.of('proxy_set_header', 'X-A', 'b')))
      .toThrow(exactly(`addDirective(${context}) "proxy_set_header" would be ignored in every location; use a proxy route's requestHeaders`));
  });

  test('a refused directive leaves nginx.conf as it was', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    const before = sidecar.renderNginxConf();
    // WHEN
    expect(() => sidecar.addDirective(DirectiveContext.SERVER, Directive.of('add_header', 'X-A', 'b'))).toThrow(ConfigError);
    expect(() => sidecar.addDirective(DirectiveContext.SERVER, Directive.of('add_header', 'X-A', 'b'))).toThrow(exactly(
      `addDirective(${DirectiveContext.SERVER}) "add_header" would be ignored in every location; use responseHeaders or a route's headers`));
    expect(() => sidecar.addDirective(DirectiveContext.HTTP, Directive.of('proxy_set_header', 'X-A', 'b'))).toThrow(exactly(
      `addDirective(${DirectiveContext.HTTP}) "proxy_set_header" would be ignored in every location; use a proxy route's requestHeaders`));
    // THEN
    expect(sidecar.renderNginxConf()).toBe(before);
    expect(before).not.toContain('X-A');
    // AND a directive that is accepted does reach nginx.conf, in the server block
    sidecar.addDirective(DirectiveContext.SERVER, Directive.of('proxy_buffer_size', '16k'));
    expect(sidecar.renderNginxConf()).toBe(before.replace('    error_page 500 501 502 503 504 /_sidecar/50x.html;\n',
      '    error_page 500 501 502 503 504 /_sidecar/50x.html;\n    proxy_buffer_size 16k;\n'));
    expect(sidecar.renderNginxConf()).not.toBe(before);
  });

  test('add_header is refused as a route\'s directive (headers have one way in); other directives are written', () => {
    expect(() => Route.proxy('/', { directives: [Directive.of('add_header', 'X-A', 'b')] }))
      .toThrow(exactly('Route.proxy("/") directive "add_header" use responseHeaders or a route\'s headers '
        + '(a route\'s header replaces the sidecar-wide one of that name)'));
    const sidecar = attach({ routes: [Route.proxy('/', { directives: [Directive.of('proxy_buffers', '16', '8k')] })] });
    const lines = sidecar.renderNginxConf().split('\n').map((l) => l.trim());
    expect(lines).toContain('proxy_buffers 16 8k;');
    expect(() => Route.proxy('/', { directives: [Directive.of('proxy_set_header', 'Host', 'x')] })).toThrow(exactly(
      'Route.proxy("/") directive "proxy_set_header" is refused in a proxy route: a header the sidecar sets too (Host, X-Forwarded-For, ...) '
      + 'would reach the app twice; use the requestHeaders option, which replaces the sidecar\'s'));
  });

  test('other directives are still accepted at http and server level', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    // WHEN
    sidecar.addDirective(DirectiveContext.HTTP, Directive.of('map_hash_bucket_size', '128'));
    sidecar.addDirective(DirectiveContext.SERVER, Directive.of('keepalive_requests', '500'));
    // THEN
    const lines = sidecar.renderNginxConf().split('\n').map((l) => l.trim());
    expect(lines).toContain('map_hash_bucket_size 128;');
    expect(lines).toContain('keepalive_requests 500;');
  });
});
