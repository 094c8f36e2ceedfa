import { renderNginxConf } from '../../lib/nginx/render';
import { ConfigError } from '../../lib/errors';
import { CACHE, SIDECAR_HEADERS, baseModel, block, count, fileRoute, fullModel, lines, proxyRoute, staticRoute } from './render-helpers';

describe('renderNginxConf: proxy routes', () => {
  it('keeps the connection to the app alive and forwards the client details', () => {
    const loc = block(renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/' })] })), 'location /api/').all;
    expect(loc).toEqual(expect.arrayContaining([
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      ...SIDECAR_HEADERS,
    ]));
  });

  it('passes the client\'s X-Forwarded-Proto on only when it is trusted', () => {
    const routes = [proxyRoute({ path: '/api/' }), proxyRoute({ path: '/' })];
    const proto = (conf: string, head: string) => block(conf, head).all.filter((l) => l.includes('X-Forwarded-Proto'));
    const untrusted = renderNginxConf(baseModel({ routes, trustForwardedProto: false }));
    const trusted = renderNginxConf(baseModel({ routes, trustForwardedProto: true }));
    for (const head of ['location /api/', 'location /']) {
      expect(proto(untrusted, head)).toStrictEqual(['proxy_set_header X-Forwarded-Proto $scheme;']);
      expect(proto(trusted, head)).toStrictEqual(['proxy_set_header X-Forwarded-Proto $sidecar_forwarded_proto;']);
    }
  });

  it('strips the prefix from the raw URI (a map on $request_uri), refuses what does not start with it, tells the app the prefix', () => {
    const conf = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/v1.2/', stripPrefix: true })] }));
    const loc = block(conf, 'location /v1.2/');
    expect(loc.direct).toContain('proxy_pass http://app$sidecar_strip_0;');
    expect(loc.all.slice(0, 3)).toStrictEqual(['if ($sidecar_strip_0 = "") {', 'return 400;', '}']);
    expect(loc.direct).toContain('proxy_set_header X-Forwarded-Prefix /v1.2;');
    expect(block(conf, 'map $request_uri $sidecar_strip_0').all).toStrictEqual(['default "";', '"~^/v1[.]2(/.*)$" $1;']);
  });

  it('passes the URI unchanged with proxy_pass http://app when not stripping', () => {
    const loc = block(renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/', stripPrefix: false })] })), 'location /api/').all;
    expect(loc).toContain('proxy_pass http://app;');
    expect(loc).not.toContain('proxy_pass http://app/;');
    expect(loc.some((l) => l.includes('X-Forwarded-Prefix'))).toBe(false);
  });

  it('writes the three timeouts in nginx units', () => {
    const route = proxyRoute({ path: '/api/', connectTimeoutMs: 250, sendTimeoutMs: 90000, readTimeoutMs: 3600000 });
    const loc = block(renderNginxConf(baseModel({ routes: [route] })), 'location /api/').all;
    expect(loc).toEqual(expect.arrayContaining([
      'proxy_connect_timeout 250ms;',
      'proxy_send_timeout 90s;',
      'proxy_read_timeout 1h;',
    ]));
  });

  it('intercepts the app\'s errors only when asked', () => {
    const conf = renderNginxConf(baseModel({
      routes: [proxyRoute({ path: '/a/', interceptErrors: true }), proxyRoute({ path: '/b/', interceptErrors: false })],
    }));
    expect(block(conf, 'location /a/').all).toContain('proxy_intercept_errors on;');
    expect(block(conf, 'location /b/').all.some((l) => l.startsWith('proxy_intercept_errors'))).toBe(false);
  });

  it('turns proxy buffering off only on a route that asks', () => {
    expect(renderNginxConf(baseModel())).not.toContain('proxy_buffering');
    const conf = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/live/', buffering: false }), proxyRoute({ path: '/' })] }));
    expect(block(conf, 'location /live/').direct).toContain('proxy_buffering off;');
    expect(count(conf, 'proxy_buffering off;')).toBe(1);
  });

  it('writes one location per route, in order (then the compressing server\'s, for the cached route)', () => {
    const conf = renderNginxConf(fullModel());
    const heads = lines(conf).filter((l) => l.startsWith('location '));
    expect(heads.slice(-2)).toStrictEqual(['location = /_sidecar/50x.html {', 'location / {']);
    expect(heads.slice(0, -2)).toStrictEqual([
      'location = /_sidecar/healthz {',
      'location = /_sidecar/50x.html {',
      'location /api/ {',
      'location = /_sidecar/upgrade/0 {',
      'location / {',
      'location = /_sidecar/upgrade/1 {',
      'location /docs/ {',
      'location = /robots.txt {',
    ]);
  });
});

describe('renderNginxConf: static and file routes', () => {
  it('serves a static directory with index and 404 for unknown paths', () => {
    const conf = renderNginxConf(baseModel({ routes: [staticRoute({ path: '/docs/', root: '/srv/docs', index: 'start.html' })] }));
    expect(block(conf, 'location /docs/').all).toStrictEqual([
      'root /srv/docs;',
      'index start.html;',
      'try_files $uri $uri/ =404;',
      'add_header X-Request-ID $sidecar_request_id always;',
    ]);
  });

  it.each<[string, string]>([
    ['/app/', 'try_files $uri $uri/ /app/index.html;'],
    ['/app', 'try_files $uri $uri/ /app/index.html;'],
    ['/', 'try_files $uri $uri/ /index.html;'],
  ])('falls back to the index for a single-page app at %s', (path, line) => {
    const conf = renderNginxConf(baseModel({ routes: [staticRoute({ path, spaFallback: true })] }));
    const loc = block(conf, `location ${path}`).all;
    expect(loc).toContain(line);
    expect(loc.some((l) => l.includes('=404'))).toBe(false);
  });

  it('serves a single file from an exact location', () => {
    const conf = renderNginxConf(baseModel({ routes: [fileRoute({ path: '/favicon.ico', root: '/srv/icons' })] }));
    expect(block(conf, 'location = /favicon.ico').all).toStrictEqual(['root /srv/icons;', 'add_header X-Request-ID $sidecar_request_id always;']);
    expect(lines(conf)).not.toContain('location /favicon.ico {');
  });

  it('writes static and file locations without proxying', () => {
    const conf = renderNginxConf(baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] }));
    for (const head of ['location /docs/', 'location = /robots.txt']) {
      expect(block(conf, head).all.some((l) => l.startsWith('proxy_'))).toBe(false);
    }
    const id = 'add_header X-Request-ID $sidecar_request_id always;';
    expect(block(conf, 'location /docs/').all).toStrictEqual(['root /srv/static;', 'index index.html;', 'try_files $uri $uri/ =404;', id]);
    expect(block(conf, 'location = /robots.txt').all).toStrictEqual(['root /srv/files;', id]);
  });
});

describe('renderNginxConf: headers', () => {
  const HEADERS = [
    { name: 'X-Content-Type-Options', value: 'nosniff' },
    { name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
    { name: 'Content-Security-Policy', value: "default-src 'self'" },
  ];
  const LINES = [
    'add_header X-Content-Type-Options nosniff always;',
    'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    'add_header Content-Security-Policy "default-src \'self\'" always;',
  ];

  function withHeaders(): string {
    return renderNginxConf(baseModel({
      headers: HEADERS,
      cache: CACHE,
      routes: [
        proxyRoute({ path: '/', headers: [{ name: 'X-Route', value: 'proxy' }] }),
        proxyRoute({ path: '/cached/', cache: { validMs: 60000, ignoreUpstreamCacheHeaders: false } }),
        staticRoute({ headers: [{ name: 'X-Route', value: 'static' }] }),
        fileRoute({ headers: [{ name: 'X-Route', value: 'file' }] }),
      ],
    }));
  }

  it.each(['location /', 'location /cached/', 'location /docs/', 'location = /robots.txt'])(
    'repeats the global headers with always in %s', (head) => {
      const loc = block(withHeaders(), head).all;
      expect(loc).toEqual(expect.arrayContaining(LINES));
    });

  it('adds a route\'s own headers after the global ones, in its location only', () => {
    const conf = withHeaders();
    expect(block(conf, 'location /').all.filter((l) => l.startsWith('add_header'))).toStrictEqual([
      'add_header X-Request-ID $sidecar_request_id always;', ...LINES, 'add_header X-Route proxy always;',
    ]);
    expect(block(conf, 'location /docs/').all).toContain('add_header X-Route static always;');
    expect(block(conf, 'location = /robots.txt').all).toContain('add_header X-Route file always;');
    // Once in the route's location, once in the location of its upgraded requests.
    expect(count(conf, 'add_header X-Route proxy always;')).toBe(2);
    expect(block(conf, 'location = /_sidecar/upgrade/0').all).toContain('add_header X-Route proxy always;');
  });

  it('writes no add_header at http or server level (a location with its own would drop them)', () => {
    const conf = withHeaders();
    expect(block(conf, 'http').direct.some((l) => l.startsWith('add_header'))).toBe(false);
    expect(block(conf, 'server').direct.some((l) => l.startsWith('add_header'))).toBe(false);
    // They are in the locations instead: each global header once in each of the four routes, the
    // upgrade locations of the two proxy routes and the error page.
    for (const line of LINES) {
      expect(count(conf, line)).toBe(7);
    }
  });

  it('writes every add_header with always', () => {
    const adds = lines(withHeaders()).filter((l) => l.startsWith('add_header'));
    expect(adds.length).toBeGreaterThan(0);
    for (const l of adds) {
      expect(l).toMatch(/ always;$/);
    }
  });

  // The error page location sets its own add_header (Cache-Control), so nothing reaches it by
  // inheritance; it answers every route's 5xx, whose response then goes out without the headers.
  it('repeats the global headers in the error page location too', () => {
    const page = block(withHeaders(), 'location = /_sidecar/50x.html').all;
    expect(page).toEqual(expect.arrayContaining(LINES));
  });

  it('refuses a header value with CR/LF that skipped the checks (second line of defence)', () => {
    const model = baseModel({ headers: [{ name: 'X-A', value: 'a\r\nX-Evil: 1' }] });
    expect(() => renderNginxConf(model)).toThrow(ConfigError);
    expect(() => renderNginxConf(model)).toThrow('internal: unsafe nginx argument "a\\r\\nX-Evil: 1"');
  });
});

describe('route headers and sidecar-wide headers', () => {
  it('a route header replaces the sidecar-wide header of the same name (any case), and only in that route', () => {
    const conf = renderNginxConf(baseModel({
      headers: [{ name: 'X-Frame-Options', value: 'DENY' }, { name: 'X-Content-Type-Options', value: 'nosniff' }],
      routes: [
        { kind: 'file', path: '/embed.html', root: '/usr/share/nginx/html/1', headers: [{ name: 'x-frame-options', value: 'SAMEORIGIN' }], directives: [] },
        { kind: 'file', path: '/other.html', root: '/usr/share/nginx/html/2', headers: [], directives: [] },
      ],
    }));
    const location = (path: string) => conf.slice(conf.indexOf(`location = ${path}`)).split('}')[0];
    expect(location('/embed.html').match(/add_header [^\n]*/g)).toEqual([
      'add_header X-Request-ID $sidecar_request_id always;',
      'add_header X-Content-Type-Options nosniff always;',
      'add_header x-frame-options SAMEORIGIN always;',
    ]);
    expect(location('/other.html').match(/add_header [^\n]*/g)).toEqual([
      'add_header X-Request-ID $sidecar_request_id always;',
      'add_header X-Frame-Options DENY always;',
      'add_header X-Content-Type-Options nosniff always;',
    ]);
  });
});

describe('an empty route header value', () => {
  it('replaces the sidecar-wide header with one nginx does not send', () => {
    const conf = renderNginxConf(baseModel({
      headers: [{ name: 'X-Frame-Options', value: 'DENY' }],
      routes: [{ kind: 'file', path: '/embed.html', root: '/usr/share/nginx/html/1', headers: [{ name: 'X-Frame-Options', value: '' }], directives: [] }],
    }));
    const location = conf.slice(conf.indexOf('location = /embed.html')).split('}')[0];
    expect(location.match(/add_header [^\n]*/g)).toEqual(['add_header X-Request-ID $sidecar_request_id always;', 'add_header X-Frame-Options "" always;']);
  });
});
