import { Chart, Size, Testing } from 'cdk8s';
import { Route } from '../../lib';
import { exactly, find, volume } from './helpers';
import { attach } from './validation-helpers';

describe('sizes', () => {
  test('volumeSizeLimit equal to the cache\'s maxSize', () => {
    expect(() => attach({ volumeSizeLimit: Size.mebibytes(64) }))
      .toThrow(exactly('volumeSizeLimit "64Mi" must exceed cache.maxSize (64Mi): the cache and temp files share the emptyDir'));
  });

  test('volumeSizeLimit below a larger cache', () => {
    expect(() => attach({ cache: { maxSize: Size.gibibytes(1) }, volumeSizeLimit: Size.mebibytes(512) }))
      .toThrow(exactly('volumeSizeLimit "512Mi" must exceed cache.maxSize (1024Mi): the cache and temp files share the emptyDir'));
  });

  test('volumeSizeLimit just above the cache is accepted and sizes the emptyDir; 1 MiB less is refused', () => {
    // GIVEN / WHEN the default cache of 64Mi and a volume of 65Mi
    const sidecar = attach({ volumeSizeLimit: Size.mebibytes(65) });
    // THEN
    const deployment = find(Testing.synth(Chart.of(sidecar)), 'Deployment');
    expect(volume(deployment, 'nginx-cache')).toStrictEqual({ name: 'nginx-cache', emptyDir: { sizeLimit: '65Mi' } });
    expect(() => attach({ volumeSizeLimit: Size.mebibytes(64) }))
      .toThrow(exactly('volumeSizeLimit "64Mi" must exceed cache.maxSize (64Mi): the cache and temp files share the emptyDir'));
  });

  test('nginxConf that is blank', () => {
    expect(() => attach({ nginxConf: ' \n' })).toThrow(exactly('nginxConf " \\n" is empty'));
  });
});

describe('headers and cookies', () => {
  test('a response header name with a space', () => {
    expect(() => attach({ responseHeaders: { 'X Bad': 'v' } }))
      .toThrow(exactly('responseHeaders header name "X Bad" is not a valid header name (RFC 7230 token characters only)'));
  });

  test('a route header name with a colon', () => {
    expect(() => Route.proxy('/', { headers: { 'X-A:': 'v' } }))
      .toThrow(exactly('Route.proxy("/") header name "X-A:" is not a valid header name (RFC 7230 token characters only)'));
  });

  test.each(['a\r\nSet-Cookie: x=1', 'a\nb', 'a\rb'])('a header value with CR/LF %j', (value) => {
    expect(() => attach({ responseHeaders: { 'X-A': value } }))
      .toThrow(exactly(`responseHeaders header "X-A" ${JSON.stringify(value)} must not contain control characters (CR, LF, tab, ...)`));
  });

  test('a header value with "$"', () => {
    expect(() => Route.proxy('/', { headers: { 'X-A': 'v$host' } }))
      .toThrow(exactly('Route.proxy("/") header "X-A" "v$host" must not contain "$" (nginx would read it as a variable)'));
  });

  test('a header value with a backslash', () => {
    expect(() => attach({ responseHeaders: { 'X-A': 'a\\nb' } }))
      .toThrow(exactly('responseHeaders header "X-A" "a\\\\nb" must not contain a backslash'));
  });

  test('a static route header with a newline', () => {
    expect(() => Route.staticFiles('/', { directory: 'x', headers: { 'Cache-Control': 'no-cache\n' } }))
      .toThrow(exactly('Route.staticFiles("/") header "Cache-Control" "no-cache\\n" must not contain control characters (CR, LF, tab, ...)'));
  });

  test.each(['session;x', 'a b', 'a|b', '(a)', 'a=b'])('a private cookie name %j', (name) => {
    expect(() => attach({ cache: { privateCookies: [name] } }))
      .toThrow(exactly(`cache.privateCookies ${JSON.stringify(name)} may contain only letters, digits and "._-"`));
  });

  test('private cookie names with "-" and "." are accepted and matched in the Cookie header', () => {
    // GIVEN / WHEN
    const sidecar = attach({
      cache: { privateCookies: ['session-id', 'connect.sid'] },
      routes: [Route.proxy('/', { cache: {} })],
    });
    // THEN
    const conf = sidecar.renderNginxConf();
    expect(conf).toContain('"~(^|;\\s*)session-id=" 1;');
    expect(conf).toContain('"~(^|;\\s*)connect\\.sid=" 1;');
    expect(conf).toContain('map "$http_authorization$sidecar_private_cookie" $sidecar_private {');
    expect(conf).not.toContain('$cookie_');
  });

  test.each([
    'Connection', 'Content-Encoding', 'Content-Length', 'Keep-Alive', 'Proxy-Connection', 'TE', 'Trailer',
    'Transfer-Encoding', 'Upgrade',
  ])('a response header nginx sets itself: %s', (name) => {
    expect(() => attach({ responseHeaders: { [name]: 'x' } })).toThrow(exactly(`responseHeaders header name ${JSON.stringify(name)} `
      + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
  });

  test('a route header nginx sets itself, in any case', () => {
    expect(() => Route.file('/x.js', { path: 'x', headers: { 'content-length': '0' } }))
      .toThrow(exactly('Route.file("/x.js") header name "content-length" '
        + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
    expect(() => Route.proxy('/', { headers: { 'TRANSFER-ENCODING': 'chunked' } }))
      .toThrow(exactly('Route.proxy("/") header name "TRANSFER-ENCODING" '
        + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
  });

  test('a header value outside printable ASCII', () => {
    expect(() => attach({ responseHeaders: { 'X-Team': 'Café' } }))
      .toThrow(exactly('responseHeaders header "X-Team" "Café" must be printable ASCII'));
    expect(() => Route.staticFiles('/', { directory: 'x', headers: { 'X-A': 'a\u00a0' } }))
      .toThrow(exactly('Route.staticFiles("/") header "X-A" "a\u00a0" must be printable ASCII'));
  });
});

describe('gzip', () => {
  test('an already-compressed image type', () => {
    expect(() => attach({ gzip: { types: ['text/css', 'image/png'] } }))
      .toThrow(exactly('gzip.types "image/png" is an already-compressed image type; gzip only costs CPU for it'));
  });

  test.each([0, 10])('level %d', (level) => {
    expect(() => attach({ gzip: { level } })).toThrow(exactly(`gzip.level ${level} must be an integer from 1 to 9`));
  });

  test.each(['Text/css', 'text/CSS', 'text/css; charset=utf-8', 'text/*', 'javascript', 'image/PNG'])('a type %j that is not a MIME type', (type) => {
    expect(() => attach({ gzip: { types: ['text/css', type] } }))
      .toThrow(exactly(`gzip.types ${JSON.stringify(type)} is not a MIME type (lower-case type/subtype)`));
  });

  test('MIME types with "+", "." and "-" are accepted', () => {
    const sidecar = attach({ gzip: { types: ['application/vnd.api+json', 'application/x-ndjson', 'image/svg+xml'] } });
    expect(sidecar.renderNginxConf()).toContain('gzip_types application/vnd.api+json application/x-ndjson image/svg+xml;');
  });

  test('a disabled gzip is not checked', () => {
    // GIVEN / WHEN a level that an enabled gzip refuses
    const sidecar = attach({ gzip: { enabled: false, level: 0 } });
    // THEN gzip is off and no other gzip directive is written
    const gzipLines = sidecar.renderNginxConf().split('\n').filter((l) => /^\s*gzip/.test(l)).map((l) => l.trim());
    expect(gzipLines).toStrictEqual(['gzip off;']);
    // AND the same options with enabled: true are refused
    expect(() => attach({ gzip: { enabled: true, level: 0 } })).toThrow(exactly('gzip.level 0 must be an integer from 1 to 9'));
  });
});
