import { Testing } from 'cdk8s';
import { Directive, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { TempDir, appDeployment } from './helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

/** nginx.conf of a sidecar with `props` on a fresh plus Deployment (app on 5000). */
function confOf(props: Omit<ReverseProxySidecarProps, 'host'>): string {
  const chart = Testing.chart();
  return new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...props }).renderNginxConf();
}

/** The trimmed lines inside the one block whose head is exactly `head {`; fails when there is none or several. */
function block(conf: string, head: string): string[] {
  const raw = conf.split('\n');
  const starts = raw.map((l, i) => (l.trim() === `${head} {` ? i : -1)).filter((i) => i >= 0);
  if (starts.length !== 1) {
    throw new Error(`expected one block "${head} {", found ${starts.length} in:\n${conf}`);
  }
  const indent = raw[starts[0]].length - raw[starts[0]].trimStart().length;
  const end = raw.findIndex((l, i) => i > starts[0] && l === `${' '.repeat(indent)}}`);
  return raw.slice(starts[0] + 1, end).map((l) => l.trim()).filter((l) => l !== '');
}

/** The add_header lines of a block, but the X-Request-ID every location returns (test/nginx/render-traffic.test.ts). */
function addHeaders(conf: string, head: string): string[] {
  return block(conf, head).filter((l) => l.startsWith('add_header ') && !l.startsWith('add_header X-Request-ID '));
}

const NO_CACHE = 'add_header Cache-Control no-cache always;';
const NOSNIFF = 'add_header X-Content-Type-Options nosniff always;';

describe('Cache-Control on static and file routes', () => {
  /** A static route at /site/, a file route at /robots.txt and a proxy route at /api/, with these options. */
  function routes(headers: { static?: Record<string, string>; file?: Record<string, string>; proxy?: Record<string, string> } = {}): Route[] {
    dir.write('site/index.html', 'hi');
    return [
      Route.staticFiles('/site/', { directory: dir.path('site'), headers: headers.static }),
      Route.file('/robots.txt', { path: dir.write('robots.txt', 'User-agent: *\n'), headers: headers.file }),
      Route.proxy('/api/', { headers: headers.proxy }),
    ];
  }

  test('static and file routes send no-cache after the sidecar-wide headers', () => {
    // GIVEN / WHEN
    const conf = confOf({ routes: routes() });
    // THEN
    expect(addHeaders(conf, 'location /site/')).toStrictEqual([NOSNIFF, NO_CACHE]);
    expect(addHeaders(conf, 'location = /robots.txt')).toStrictEqual([NOSNIFF, NO_CACHE]);
  });

  test('it comes after the route\'s own headers', () => {
    // GIVEN / WHEN
    const conf = confOf({ routes: routes({ static: { 'X-Frame-Options': 'DENY' }, file: { 'X-Robots-Tag': 'none' } }) });
    // THEN
    expect(addHeaders(conf, 'location /site/')).toStrictEqual([NOSNIFF, 'add_header X-Frame-Options DENY always;', NO_CACHE]);
    expect(addHeaders(conf, 'location = /robots.txt')).toStrictEqual([NOSNIFF, 'add_header X-Robots-Tag none always;', NO_CACHE]);
  });

  test('proxy routes never get it, cached or not: the app decides', () => {
    // GIVEN / WHEN
    const conf = confOf({ routes: [...routes(), Route.proxy('/assets/', { cache: {} })] });
    // THEN
    expect(addHeaders(conf, 'location /api/')).toStrictEqual([NOSNIFF]);
    // (The cached route stores gzip and identity variants apart, and says so to the client.)
    expect(addHeaders(conf, 'location /assets/')).toStrictEqual(['add_header Vary Accept-Encoding always;',
      'add_header X-Cache-Status $upstream_cache_status always;', NOSNIFF]);
    expect(conf.split('\n').filter((l) => l.trim() === NO_CACHE)).toHaveLength(2);
  });

  test('a proxy-only sidecar has no Cache-Control but the error page\'s', () => {
    const conf = confOf({ routes: [Route.proxy('/')] });
    expect(conf.split('\n').filter((l) => l.includes('Cache-Control')).map((l) => l.trim()))
      .toStrictEqual(['add_header Cache-Control "no-store" always;']);
  });

  test.each(['Cache-Control', 'cache-control', 'CACHE-CONTROL'])('a route header %j replaces it', (name) => {
    // GIVEN / WHEN
    const conf = confOf({ routes: routes({ static: { [name]: 'max-age=3600' }, file: { [name]: 'no-store' } }) });
    // THEN
    expect(addHeaders(conf, 'location /site/')).toStrictEqual([NOSNIFF, `add_header ${name} max-age=3600 always;`]);
    expect(addHeaders(conf, 'location = /robots.txt')).toStrictEqual([NOSNIFF, `add_header ${name} no-store always;`]);
  });

  test('a route header on one route leaves the other route its no-cache', () => {
    const conf = confOf({ routes: routes({ static: { 'Cache-Control': 'max-age=60' } }) });
    expect(addHeaders(conf, 'location /site/')).toStrictEqual([NOSNIFF, 'add_header Cache-Control max-age=60 always;']);
    expect(addHeaders(conf, 'location = /robots.txt')).toStrictEqual([NOSNIFF, NO_CACHE]);
  });

  test.each(['Cache-Control', 'cache-control'])('a sidecar-wide %j in responseHeaders replaces it everywhere', (name) => {
    // GIVEN / WHEN
    const conf = confOf({ responseHeaders: { [name]: 'private' }, routes: routes() });
    // THEN the one from responseHeaders, once, in every location
    const wide = `add_header ${name} private always;`;
    expect(addHeaders(conf, 'location /site/')).toStrictEqual([wide]);
    expect(addHeaders(conf, 'location = /robots.txt')).toStrictEqual([wide]);
    expect(addHeaders(conf, 'location /api/')).toStrictEqual([wide]);
    expect(conf).not.toContain('no-cache');
  });

  test('the error page keeps its own no-store', () => {
    const conf = confOf({ routes: routes() });
    expect(addHeaders(conf, 'location = /_sidecar/50x.html')).toStrictEqual(['add_header Cache-Control "no-store" always;', NOSNIFF]);
  });
});

describe('X-Forwarded-Proto', () => {
  test('by default the app gets the scheme nginx was reached with, whatever the client sends', () => {
    // GIVEN / WHEN
    const conf = confOf({ routes: [Route.proxy('/'), Route.proxy('/api/', { stripPrefix: true })] });
    // THEN
    for (const head of ['location /', 'location /api/']) {
      expect(block(conf, head).filter((l) => l.includes('X-Forwarded-Proto'))).toStrictEqual(['proxy_set_header X-Forwarded-Proto $scheme;']);
    }
    expect(conf).not.toContain('$http_x_forwarded_proto');
    expect(conf).not.toContain('$sidecar_forwarded_proto');
  });

  test('trustForwardedProto: false is the default', () => {
    expect(confOf({ trustForwardedProto: false, routes: [Route.proxy('/')] })).toBe(confOf({ routes: [Route.proxy('/')] }));
  });

  test('trustForwardedProto passes the client\'s header on as http or https, else the scheme', () => {
    // GIVEN / WHEN
    const conf = confOf({ trustForwardedProto: true, routes: [Route.proxy('/'), Route.proxy('/api/', { stripPrefix: true })] });
    // THEN
    expect(block(conf, 'map $http_x_forwarded_proto $sidecar_forwarded_proto'))
      .toStrictEqual(['default $scheme;', '"~*^https\\s*(,|$)" https;', '"~*^http\\s*(,|$)" http;']);
    for (const head of ['location /', 'location /api/']) {
      expect(block(conf, head).filter((l) => l.includes('X-Forwarded-Proto')))
        .toStrictEqual(['proxy_set_header X-Forwarded-Proto $sidecar_forwarded_proto;']);
    }
  });
});

describe('Cache-Control set by directives, and on the error page', () => {
  test('a route with an expires directive, or its own Cache-Control header, gets no default no-cache', () => {
    // GIVEN file routes that set their own caching, and one that does not
    const file = dir.write('robots.txt', 'User-agent: *\n');
    const conf = confOf({ routes: [
      Route.file('/robots.txt', { path: file, directives: [Directive.of('expires', '1h')] }),
      Route.file('/humans.txt', { path: file, headers: { 'Cache-Control': 'max-age=60' } }),
      Route.file('/plain.txt', { path: file }),
    ] });
    // THEN each keeps its own caching and neither adds no-cache on top
    const id = 'add_header X-Request-ID $sidecar_request_id always;';
    const gz = 'gzip_static on;';
    expect(block(conf, 'location = /robots.txt')).toStrictEqual(['root /usr/share/nginx/html/1;', gz, id, NOSNIFF, 'expires 1h;']);
    expect(block(conf, 'location = /humans.txt')).toStrictEqual(['root /usr/share/nginx/html/2;', gz, id, NOSNIFF, 'add_header Cache-Control max-age=60 always;']);
    // AND a plain file route beside them gets it
    expect(block(conf, 'location = /plain.txt')).toStrictEqual(['root /usr/share/nginx/html/3;', gz, id, NOSNIFF, NO_CACHE]);
  });

  test('the error page is no-store even when responseHeaders set a Cache-Control', () => {
    const conf = confOf({ responseHeaders: { 'Cache-Control': 'public, max-age=600', 'X-Frame-Options': 'DENY' } });
    expect(addHeaders(conf, 'location = /_sidecar/50x.html')).toEqual([
      'add_header Cache-Control "no-store" always;',
      'add_header X-Frame-Options DENY always;',
    ]);
  });
});
