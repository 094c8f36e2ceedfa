import { nginxSize, nginxTime } from '../../lib/nginx/conf-writer';
import {
  CacheZoneModel, ERROR_PAGE_CODES, FileRouteModel, GzipModel, NginxConfModel, ProxyRouteModel, StaticRouteModel,
} from '../../lib/nginx/model';
import { renderNginxConf } from '../../lib/nginx/render';
import { ConfigError } from '../../lib/nginx/tokens';

const VAR_DIR = '/var/cache/nginx';

function proxyRoute(over: Partial<ProxyRouteModel> = {}): ProxyRouteModel {
  return {
    kind: 'proxy',
    path: '/',
    stripPrefix: false,
    connectTimeoutMs: 5000,
    readTimeoutMs: 60000,
    sendTimeoutMs: 60000,
    interceptErrors: false,
    headers: [],
    directives: [],
    ...over,
  };
}

function staticRoute(over: Partial<StaticRouteModel> = {}): StaticRouteModel {
  return {
    kind: 'static',
    path: '/docs/',
    root: '/srv/static',
    index: 'index.html',
    spaFallback: false,
    headers: [],
    directives: [],
    ...over,
  };
}

function fileRoute(over: Partial<FileRouteModel> = {}): FileRouteModel {
  return { kind: 'file', path: '/robots.txt', root: '/srv/files', headers: [], directives: [], ...over };
}

const CACHE: CacheZoneModel = { keysZoneKib: 1024, maxSizeKib: 65536, inactiveMs: 600000, privateCookies: [] };

const GZIP: GzipModel = {
  level: 5,
  minLengthBytes: 1024,
  types: ['text/css', 'application/javascript', 'application/json', 'image/svg+xml'],
};

/** A minimal valid model: one proxy route at `/`, no cache, no gzip, no headers. */
function baseModel(over: Partial<NginxConfModel> = {}): NginxConfModel {
  return {
    listenPort: 8080,
    workerProcesses: 2,
    workerConnections: 1024,
    layout: { varDir: VAR_DIR, errorPage: '/etc/nginx/sidecar/50x.html', mimeTypes: '/etc/nginx/mime.types' },
    upstreamPort: 5000,
    upstreamKeepalive: 16,
    clientMaxBodySizeKib: 1024,
    headers: [],
    accessLog: false,
    trustForwardedProto: false,
    routes: [proxyRoute()],
    httpDirectives: [],
    serverDirectives: [],
    ...over,
  };
}

/** A model that uses every option, for checks that must hold whatever is configured. */
function fullModel(): NginxConfModel {
  return baseModel({
    gzip: GZIP,
    cache: { ...CACHE, privateCookies: ['session'] },
    headers: [{ name: 'X-Content-Type-Options', value: 'nosniff' }],
    accessLog: true,
    trustForwardedProto: true,
    routes: [
      proxyRoute({ path: '/api/', stripPrefix: true, interceptErrors: true, cache: { validMs: 60000, ignoreUpstreamCacheHeaders: true } }),
      proxyRoute({ path: '/' }),
      staticRoute({ spaFallback: true }),
      fileRoute(),
    ],
    httpDirectives: [{ name: 'map_hash_bucket_size', args: ['128'] }],
    serverDirectives: [{ name: 'add_header', args: ['X-Server', 'a;b {c}', 'always'] }],
  });
}

/** Every line of the output, trimmed. */
function lines(conf: string): string[] {
  return conf.split('\n').map((l) => l.trim());
}

interface Block {
  /** Every non-empty line inside the block (nested blocks included), trimmed. */
  readonly all: string[];
  /** The non-empty lines directly inside the block: nested blocks' heads, bodies and ends left out. */
  readonly direct: string[];
}

/** The body of the one block whose head line is exactly `head {`; fails when there is none or several. */
function block(conf: string, head: string): Block {
  const raw = conf.split('\n');
  const starts = raw.map((l, i) => (l.trim() === `${head} {` ? i : -1)).filter((i) => i >= 0);
  if (starts.length !== 1) {
    throw new Error(`expected one block "${head} {", found ${starts.length} in:\n${conf}`);
  }
  const start = starts[0];
  const indent = raw[start].length - raw[start].trimStart().length;
  const all: string[] = [];
  const direct: string[] = [];
  for (let i = start + 1; i < raw.length; i++) {
    if (raw[i] === `${' '.repeat(indent)}}`) {
      return { all, direct };
    }
    const text = raw[i].trim();
    if (text === '') {
      continue;
    }
    all.push(text);
    const depth = raw[i].length - raw[i].trimStart().length;
    if (depth === indent + 2 && !text.endsWith('{') && text !== '}') {
      direct.push(text);
    }
  }
  throw new Error(`block "${head} {" is not closed`);
}

/** How many lines, trimmed, are exactly `line`. */
function count(conf: string, line: string): number {
  return lines(conf).filter((l) => l === line).length;
}

describe('renderNginxConf: main context', () => {
  it('writes worker_processes as the given number, never auto', () => {
    const conf = renderNginxConf(baseModel({ workerProcesses: 3 }));
    expect(lines(conf)).toContain('worker_processes 3;');
    expect(conf).not.toMatch(/worker_processes auto/);
    expect(lines(conf).filter((l) => l.startsWith('worker_processes '))).toStrictEqual(['worker_processes 3;']);
  });

  it('puts the pid file into the writable varDir', () => {
    const conf = renderNginxConf(baseModel({ layout: { ...baseModel().layout, varDir: '/run/sidecar' } }));
    expect(lines(conf)).toContain('pid /run/sidecar/nginx.pid;');
  });

  it('has no user directive, logs errors to stderr and stays in the foreground', () => {
    const conf = renderNginxConf(fullModel());
    expect(conf).not.toMatch(/^\s*user\s/m);
    expect(lines(conf)).toContain('error_log stderr warn;');
    expect(lines(conf)).toContain('daemon off;');
  });

  it('writes worker_connections in the events block', () => {
    const conf = renderNginxConf(baseModel({ workerConnections: 512 }));
    expect(block(conf, 'events').all).toStrictEqual(['worker_connections 512;']);
  });

  it('starts with a comment and ends with exactly one newline', () => {
    const conf = renderNginxConf(baseModel());
    expect(conf.startsWith('# Generated by cdk8s-reverse-proxy-sidecar')).toBe(true);
    expect(conf.endsWith('}\n')).toBe(true);
    expect(conf.endsWith('\n\n')).toBe(false);
  });
});

describe('renderNginxConf: http context', () => {
  it('puts all five *_temp_path into varDir', () => {
    const conf = renderNginxConf(baseModel({ layout: { ...baseModel().layout, varDir: '/run/sidecar' } }));
    const http = block(conf, 'http').direct;
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(http).toContain(`${t}_temp_path /run/sidecar/${t}_temp;`);
    }
    expect(lines(conf).filter((l) => /_temp_path /.test(l))).toHaveLength(5);
  });

  it('includes the mime types and the fixed defaults', () => {
    const http = block(renderNginxConf(baseModel()), 'http').direct;
    expect(http).toEqual(expect.arrayContaining([
      'include /etc/nginx/mime.types;',
      'default_type application/octet-stream;',
      'server_tokens off;',
      'absolute_redirect off;',
    ]));
  });

  it.each<[number, string]>([
    [1024, 'client_max_body_size 1m;'],
    [10240, 'client_max_body_size 10m;'],
    [512, 'client_max_body_size 512k;'],
    [1536, 'client_max_body_size 1536k;'],
  ])('writes client_max_body_size for %p KiB', (kib, line) => {
    expect(block(renderNginxConf(baseModel({ clientMaxBodySizeKib: kib })), 'http').direct).toContain(line);
  });

  it('turns the access log off, or on to stdout with the cache status', () => {
    const off = renderNginxConf(baseModel({ accessLog: false }));
    expect(block(off, 'http').direct).toContain('access_log off;');
    expect(off).not.toContain('log_format');

    const on = renderNginxConf(baseModel({ accessLog: true }));
    expect(block(on, 'http').direct).toContain('access_log /dev/stdout sidecar;');
    expect(on).toMatch(/^ {2}log_format sidecar '.*\$upstream_cache_status';$/m);
    expect(block(on, 'http').direct).not.toContain('access_log off;');
  });

  it('does not map X-Forwarded-Proto unless the client\'s header is trusted', () => {
    const conf = renderNginxConf(baseModel({ trustForwardedProto: false }));
    expect(conf).not.toContain('$http_x_forwarded_proto');
    expect(conf).not.toContain('$sidecar_forwarded_proto');
  });

  it('maps a trusted X-Forwarded-Proto to the scheme when the request has none', () => {
    const map = block(renderNginxConf(baseModel({ trustForwardedProto: true })), 'map $http_x_forwarded_proto $sidecar_forwarded_proto');
    expect(map.all).toStrictEqual(['default $http_x_forwarded_proto;', '"" $scheme;']);
  });
});

describe('renderNginxConf: upstream', () => {
  it('is 127.0.0.1:<port> with keepalive, never localhost', () => {
    const conf = renderNginxConf(baseModel({ upstreamPort: 9093, upstreamKeepalive: 32 }));
    expect(block(conf, 'upstream app').all).toStrictEqual(['server 127.0.0.1:9093;', 'keepalive 32;']);
    expect(conf).not.toContain('localhost');
  });

  it('is left out when nothing proxies', () => {
    const conf = renderNginxConf(baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] }));
    expect(conf).not.toContain('upstream ');
    expect(conf).not.toContain('proxy_pass');
    expect(conf).not.toContain('127.0.0.1');
  });
});

describe('renderNginxConf: server', () => {
  it('listens on the given port with a catch-all server_name', () => {
    const server = block(renderNginxConf(baseModel({ listenPort: 9090 })), 'server').direct;
    expect(server).toContain('listen 9090;');
    expect(server.filter((l) => l.startsWith('listen '))).toStrictEqual(['listen 9090;']);
    expect(server).toContain('server_name _;');
  });

  it('answers 500 501 502 503 504 with the sidecar error page, an internal location', () => {
    expect(ERROR_PAGE_CODES).toStrictEqual([500, 501, 502, 503, 504]);
    const conf = renderNginxConf(baseModel());
    expect(block(conf, 'server').direct).toContain('error_page 500 501 502 503 504 /_sidecar/50x.html;');
    expect(lines(conf).filter((l) => l.startsWith('error_page '))).toStrictEqual(['error_page 500 501 502 503 504 /_sidecar/50x.html;']);
    const page = block(conf, 'location = /_sidecar/50x.html').all;
    expect(page).toContain('internal;');
    expect(page).toContain('alias /etc/nginx/sidecar/50x.html;');
    expect(page).toContain('add_header Cache-Control "no-store" always;');
    expect(page.some((l) => l.startsWith('proxy_'))).toBe(false);
  });

  it('answers the health endpoint with 200 itself, unlogged and never proxied', () => {
    const conf = renderNginxConf(fullModel());
    expect(block(conf, 'location = /_sidecar/healthz').all).toStrictEqual([
      'access_log off;',
      'default_type text/plain;',
      'return 200 "ok\\n";',
    ]);
  });
});

describe('renderNginxConf: proxy routes', () => {
  it('keeps the connection to the app alive and forwards the client details', () => {
    const loc = block(renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/' })] })), 'location /api/').all;
    expect(loc).toEqual(expect.arrayContaining([
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_set_header Host $host;',
      'proxy_set_header X-Real-IP $remote_addr;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Forwarded-Host $host;',
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

  it('strips the prefix with proxy_pass http://app/ and tells the app the prefix', () => {
    const loc = block(renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/', stripPrefix: true })] })), 'location /api/').all;
    expect(loc).toContain('proxy_pass http://app/;');
    expect(loc).not.toContain('proxy_pass http://app;');
    expect(loc).toContain('proxy_set_header X-Forwarded-Prefix /api;');
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

  it('never turns proxy buffering off', () => {
    for (const model of [baseModel(), fullModel()]) {
      expect(renderNginxConf(model)).not.toContain('proxy_buffering');
    }
  });

  it('writes one location per route, in order', () => {
    const conf = renderNginxConf(fullModel());
    const heads = lines(conf).filter((l) => l.startsWith('location '));
    expect(heads).toStrictEqual([
      'location = /_sidecar/healthz {',
      'location = /_sidecar/50x.html {',
      'location /api/ {',
      'location / {',
      'location /docs/ {',
      'location = /robots.txt {',
    ]);
  });
});

describe('renderNginxConf: caching', () => {
  it('has no cache anywhere when no route caches', () => {
    const conf = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/' }), staticRoute(), fileRoute()] }));
    expect(conf).not.toContain('proxy_cache');
    expect(conf).not.toContain('proxy_no_cache');
    expect(conf).not.toContain('proxy_ignore_headers');
    expect(conf).not.toContain('$sidecar_private');
    expect(conf).not.toContain('$http_cookie');
    expect(conf).not.toContain('X-Cache-Status');
    expect(conf).not.toContain('proxy_cache_path');
  });

  describe('with a cached route', () => {
    function cachedConf(over: Partial<NginxConfModel> = {}, ignoreUpstreamCacheHeaders = false): string {
      return renderNginxConf(baseModel({
        cache: { keysZoneKib: 2048, maxSizeKib: 102400, inactiveMs: 3600000, privateCookies: ['session', 'grafana_sess'] },
        routes: [
          proxyRoute({ path: '/assets/', cache: { validMs: 600000, ignoreUpstreamCacheHeaders } }),
          proxyRoute({ path: '/api/' }),
        ],
        ...over,
      }));
    }

    it('declares the zone in varDir with keys_zone, max_size, inactive and use_temp_path=off', () => {
      expect(block(cachedConf(), 'http').direct).toContain(
        'proxy_cache_path /var/cache/nginx/proxy_cache levels=1:2 keys_zone=sidecar_cache:2m max_size=100m inactive=1h use_temp_path=off;');
    });

    it('caches only 200 and 301 for validFor, never "any"', () => {
      const conf = cachedConf();
      const loc = block(conf, 'location /assets/').all;
      expect(loc).toContain('proxy_cache sidecar_cache;');
      expect(loc).toContain('proxy_cache_valid 200 301 10m;');
      expect(loc.filter((l) => l.startsWith('proxy_cache_valid'))).toHaveLength(1);
      expect(conf).not.toContain('proxy_cache_valid any');
      expect(block(conf, 'map $upstream_status $sidecar_uncacheable_status').all)
        .toStrictEqual(['default 1;', '200 0;', '301 0;']);
    });

    it('neither stores nor serves from cache requests with Authorization or a private cookie', () => {
      const conf = cachedConf();
      expect(block(conf, 'map $http_cookie $sidecar_private_cookie').all)
        .toStrictEqual(['default "";', '"~(^|;\\s*)session=" 1;', '"~(^|;\\s*)grafana_sess=" 1;']);
      expect(block(conf, 'map "$http_authorization$sidecar_private_cookie" $sidecar_private').all)
        .toStrictEqual(['default 1;', '"" 0;']);
      expect(conf).not.toContain('$cookie_');
      const loc = block(conf, 'location /assets/').all;
      expect(loc).toContain('proxy_no_cache $sidecar_private $sidecar_uncacheable_status;');
      expect(loc).toContain('proxy_cache_bypass $sidecar_private;');
      expect(conf).not.toContain('$http_cache_control');
    });

    it('keys the private map on Authorization alone without private cookies', () => {
      const conf = cachedConf({ cache: { ...CACHE, privateCookies: [] } });
      expect(block(conf, 'map "$http_authorization" $sidecar_private').all).toStrictEqual(['default 1;', '"" 0;']);
      expect(conf).not.toContain('$http_cookie');
      expect(conf).not.toContain('$sidecar_private_cookie');
      expect(conf).not.toContain('$cookie_');
    });

    it('escapes "." in cookie names and keeps "-" and "_" as they are', () => {
      const conf = cachedConf({ cache: { ...CACHE, privateCookies: ['connect.sid', 'session-id', 'a_b'] } });
      expect(block(conf, 'map $http_cookie $sidecar_private_cookie').all)
        .toStrictEqual(['default "";', '"~(^|;\\s*)connect\\.sid=" 1;', '"~(^|;\\s*)session-id=" 1;', '"~(^|;\\s*)a_b=" 1;']);
    });

    describe('the private cookie regex, as nginx reads it', () => {
      /** The cookie map as nginx reads it: the request is private when any entry's regex matches. */
      function cookieRegex(privateCookies: string[]): { test(cookie: string): boolean } {
        const map = block(cachedConf({ cache: { ...CACHE, privateCookies } }), 'map $http_cookie $sidecar_private_cookie').all;
        const regexes = map.slice(1).map((line) => {
          const m = /^"~(.*)" 1;$/.exec(line);
          if (!m) {
            throw new Error(`no regex in ${line}`);
          }
          return new RegExp(m[1]);
        });
        expect(regexes).toHaveLength(privateCookies.length);
        return { test: (cookie: string) => regexes.some((r) => r.test(cookie)) };
      }

      it.each([
        'session=abc',
        'theme=dark; session=abc',
        'theme=dark;session=abc',
        'a=1; connect.sid=s%3Ax',
        'session=',
      ])('matches %j', (cookie) => {
        expect(cookieRegex(['session', 'connect.sid']).test(cookie)).toBe(true);
      });

      it.each([
        '',
        'theme=dark',
        'mysession=abc', // another cookie that ends with the name
        'session_id=abc', // another cookie that starts with the name
        'theme=session=abc', // the name inside a value
        'connectXsid=abc', // "." is not a wildcard
        'Session=abc', // cookie names are case-sensitive
      ])('does not match %j', (cookie) => {
        expect(cookieRegex(['session', 'connect.sid']).test(cookie)).toBe(false);
      });
    });

    it('serves stale on errors, updates in the background and locks', () => {
      const loc = block(cachedConf(), 'location /assets/').all;
      expect(loc).toEqual(expect.arrayContaining([
        'proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;',
        'proxy_cache_background_update on;',
        'proxy_cache_lock on;',
        'proxy_cache_methods GET HEAD;',
        'proxy_cache_key $scheme$host$request_uri;',
        'add_header X-Cache-Status $upstream_cache_status always;',
      ]));
    });

    it('ignores the upstream\'s Cache-Control and Expires only when asked', () => {
      expect(block(cachedConf({}, false), 'location /assets/').all.some((l) => l.startsWith('proxy_ignore_headers'))).toBe(false);
      expect(block(cachedConf({}, true), 'location /assets/').all).toContain('proxy_ignore_headers Cache-Control Expires;');
    });

    it('leaves the other routes uncached', () => {
      const loc = block(cachedConf({}, true), 'location /api/').all;
      expect(loc.some((l) => /proxy_cache|proxy_no_cache|proxy_ignore_headers|X-Cache-Status/.test(l))).toBe(false);
    });
  });
});

describe('renderNginxConf: gzip', () => {
  it('is off without a gzip model', () => {
    const conf = renderNginxConf(baseModel({ gzip: undefined }));
    expect(block(conf, 'http').direct).toContain('gzip off;');
    expect(conf).not.toMatch(/gzip_/);
  });

  it('compresses the listed types, for proxies too, with Vary', () => {
    const conf = renderNginxConf(baseModel({ gzip: { level: 6, minLengthBytes: 256, types: GZIP.types } }));
    const http = block(conf, 'http').direct;
    expect(http).toEqual(expect.arrayContaining([
      'gzip on;',
      'gzip_comp_level 6;',
      'gzip_min_length 256;',
      'gzip_proxied any;',
      'gzip_vary on;',
      'gzip_disable msie6;',
      'gzip_types text/css application/javascript application/json image/svg+xml;',
    ]));
    expect(http).not.toContain('gzip off;');
    expect(conf).not.toMatch(/image\/(png|jpeg|gif|webp)/);
  });

  it('writes no gzip_types when only text/html is compressed', () => {
    const conf = renderNginxConf(baseModel({ gzip: { ...GZIP, types: [] } }));
    expect(block(conf, 'http').direct).toContain('gzip on;');
    expect(conf).not.toContain('gzip_types');
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
      ...LINES, 'add_header X-Route proxy always;',
    ]);
    expect(block(conf, 'location /docs/').all).toContain('add_header X-Route static always;');
    expect(block(conf, 'location = /robots.txt').all).toContain('add_header X-Route file always;');
    expect(count(conf, 'add_header X-Route proxy always;')).toBe(1);
  });

  it('writes no add_header at http or server level (a location with its own would drop them)', () => {
    const conf = withHeaders();
    expect(block(conf, 'http').direct.some((l) => l.startsWith('add_header'))).toBe(false);
    expect(block(conf, 'server').direct.some((l) => l.startsWith('add_header'))).toBe(false);
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

describe('renderNginxConf: static and file routes', () => {
  it('serves a static directory with index and 404 for unknown paths', () => {
    const conf = renderNginxConf(baseModel({ routes: [staticRoute({ path: '/docs/', root: '/srv/docs', index: 'start.html' })] }));
    expect(block(conf, 'location /docs/').all).toStrictEqual([
      'root /srv/docs;',
      'index start.html;',
      'try_files $uri $uri/ =404;',
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
    expect(block(conf, 'location = /favicon.ico').all).toStrictEqual(['root /srv/icons;']);
    expect(lines(conf)).not.toContain('location /favicon.ico {');
  });

  it('writes static and file locations without proxying', () => {
    const conf = renderNginxConf(baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] }));
    for (const head of ['location /docs/', 'location = /robots.txt']) {
      expect(block(conf, head).all.some((l) => l.startsWith('proxy_'))).toBe(false);
    }
  });
});

describe('renderNginxConf: extra directives', () => {
  it('writes http directives in the http block, outside the server', () => {
    const conf = renderNginxConf(baseModel({ httpDirectives: [{ name: 'map_hash_bucket_size', args: ['128'] }] }));
    expect(block(conf, 'http').direct).toContain('map_hash_bucket_size 128;');
    expect(block(conf, 'server').all).not.toContain('map_hash_bucket_size 128;');
  });

  it('writes server directives in the server block, outside the locations', () => {
    const conf = renderNginxConf(baseModel({ serverDirectives: [{ name: 'keepalive_requests', args: ['500'] }] }));
    expect(block(conf, 'server').direct).toContain('keepalive_requests 500;');
    expect(block(conf, 'location /').all).not.toContain('keepalive_requests 500;');
  });

  it.each<['proxy' | 'static' | 'file', string]>([
    ['proxy', 'location /x/'],
    ['static', 'location /x/'],
    ['file', 'location = /x.txt'],
  ])('writes %s route directives in its location', (kind, head) => {
    const directives = [{ name: 'expires', args: ['1h'] }];
    const route = kind === 'proxy' ? proxyRoute({ path: '/x/', directives })
      : kind === 'static' ? staticRoute({ path: '/x/', directives })
        : fileRoute({ path: '/x.txt', directives });
    const conf = renderNginxConf(baseModel({ routes: [route] }));
    expect(block(conf, head).all).toContain('expires 1h;');
    expect(count(conf, 'expires 1h;')).toBe(1);
  });

  it('keeps an argument with ; { } # and spaces one quoted argument, at every level', () => {
    const d = { name: 'add_header', args: ['X-Test', 'a;b {c}', 'always'] };
    const conf = renderNginxConf(baseModel({
      httpDirectives: [{ name: 'set_real_ip_from', args: ['#x y'] }],
      serverDirectives: [d],
      routes: [proxyRoute({ path: '/p/', directives: [d] }), staticRoute({ directives: [d] }), fileRoute({ directives: [d] })],
    }));
    const line = 'add_header X-Test "a;b {c}" always;';
    expect(block(conf, 'http').direct).toContain('set_real_ip_from "#x y";');
    expect(block(conf, 'server').direct).toContain(line);
    expect(block(conf, 'location /p/').all).toContain(line);
    expect(block(conf, 'location /docs/').all).toContain(line);
    expect(block(conf, 'location = /robots.txt').all).toContain(line);
    expect(count(conf, line)).toBe(4);
    expect(conf).not.toContain('a;b {c} ');
  });

  it('escapes double quotes and quotes variables in arguments', () => {
    const conf = renderNginxConf(baseModel({
      serverDirectives: [{ name: 'add_header', args: ['X-Q', 'say "hi"'] }, { name: 'add_header', args: ['X-Up', '$upstream_addr'] }],
    }));
    expect(block(conf, 'server').direct).toEqual(expect.arrayContaining([
      'add_header X-Q "say \\"hi\\"";',
      'add_header X-Up "$upstream_addr";',
    ]));
  });

  it('refuses a directive argument with a newline that skipped the checks', () => {
    const model = baseModel({ serverDirectives: [{ name: 'return', args: ['200', 'ok\n}'] }] });
    expect(() => renderNginxConf(model)).toThrow('internal: unsafe nginx argument "ok\\n}"');
  });
});

describe('nginxTime / nginxSize', () => {
  it.each<[number, string]>([
    [3600000, '1h'],
    [86400000, '24h'],
    [5400000, '90m'],
    [600000, '10m'],
    [60000, '1m'],
    [90000, '90s'],
    [5000, '5s'],
    [1000, '1s'],
    [1500, '1500ms'],
    [250, '250ms'],
    [1, '1ms'],
    [0, '0ms'],
  ])('nginxTime(%p) is %s', (ms, text) => {
    expect(nginxTime(ms)).toBe(text);
  });

  it.each<[number, string]>([
    [1024, '1m'],
    [65536, '64m'],
    [1048576, '1024m'],
    [512, '512k'],
    [1536, '1536k'],
    [1, '1k'],
  ])('nginxSize(%p KiB) is %s', (kib, text) => {
    expect(nginxSize(kib)).toBe(text);
  });
});

describe('renderNginxConf: purity', () => {
  it('gives identical text for the same model, and for an equal copy', () => {
    const model = fullModel();
    const first = renderNginxConf(model);
    expect(renderNginxConf(model)).toBe(first);
    expect(renderNginxConf(JSON.parse(JSON.stringify(model)) as NginxConfModel)).toBe(first);
    expect(renderNginxConf(fullModel())).toBe(first);
  });

  it('does not modify the model', () => {
    const model = fullModel();
    const before = JSON.stringify(model);
    renderNginxConf(model);
    expect(JSON.stringify(model)).toBe(before);
  });

  it('changes the text when the model changes', () => {
    expect(renderNginxConf(baseModel({ listenPort: 8081 }))).not.toBe(renderNginxConf(baseModel()));
  });

  it('balances its braces', () => {
    const conf = renderNginxConf(fullModel());
    const opens = lines(conf).filter((l) => l.endsWith('{')).length;
    const closes = lines(conf).filter((l) => l === '}').length;
    expect(opens).toBeGreaterThan(5);
    expect(closes).toBe(opens);
  });
});

describe('renderNginxConf: never the known faults', () => {
  const FAULTS = ['localhost', 'proxy_buffering off', 'proxy_cache_valid any', 'worker_processes auto', 'image/png', 'image/jpeg'];

  it.each<[string, () => NginxConfModel]>([
    ['the base model', () => baseModel()],
    ['the full model', () => fullModel()],
    ['a static-only model', () => baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] })],
  ])('%s', (_name, make) => {
    const conf = renderNginxConf(make());
    for (const fault of FAULTS) {
      expect(conf).not.toContain(fault);
    }
    expect(conf).not.toMatch(/^\s*user\s/m);
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
      'add_header X-Content-Type-Options nosniff always;',
      'add_header x-frame-options SAMEORIGIN always;',
    ]);
    expect(location('/other.html').match(/add_header [^\n]*/g)).toEqual([
      'add_header X-Frame-Options DENY always;',
      'add_header X-Content-Type-Options nosniff always;',
    ]);
  });
});
