import { renderNginxConf } from '../../lib/nginx/render';
import { CACHE, SIDECAR_HEADERS, baseModel, block, count, proxyRoute, staticRoute } from './render-helpers';

describe('renderNginxConf: upgraded (WebSocket) requests', () => {
  const conf = renderNginxConf(baseModel({
    routes: [proxyRoute({ path: '/ws/', readTimeoutMs: 2000, connectTimeoutMs: 250, upgradeIdleTimeoutMs: 600000 })],
  }));

  it('rewrites them to an internal location of the route; ordinary requests keep Connection "" (keepalive)', () => {
    const loc = block(conf, 'location /ws/');
    expect(loc.all.slice(0, 3)).toStrictEqual(['if ($http_upgrade) {', 'rewrite ^ /_sidecar/upgrade/0 last;', '}']);
    expect(loc.direct).toEqual(expect.arrayContaining(['proxy_pass http://app;', 'proxy_set_header Connection "";', 'proxy_read_timeout 2s;']));
    expect(loc.direct.some((l) => l.includes('Upgrade'))).toBe(false);
  });

  it('passes Upgrade and Connection: upgrade there, with the idle timeout both ways and the route\'s connect timeout', () => {
    expect(block(conf, 'location = /_sidecar/upgrade/0').direct).toStrictEqual([
      'internal;',
      'proxy_pass http://app$request_uri;',
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection upgrade;',
      ...SIDECAR_HEADERS,
      'proxy_hide_header X-Request-ID;',
      'proxy_redirect "~^http://(?:127[.]0[.]0[.]1|localhost):5000(/(?!/).*)$" $1;',
      'proxy_redirect "~^http://(?:127[.]0[.]0[.]1|localhost):5000$" /;',
      'proxy_connect_timeout 250ms;',
      'proxy_send_timeout 10m;',
      'proxy_read_timeout 10m;',
      'add_header X-Request-ID $sidecar_request_id always;',
    ]);
  });

  it('passes the stripped raw URI on a stripPrefix route', () => {
    const stripped = renderNginxConf(baseModel({ routes: [staticRoute(), proxyRoute({ path: '/api/', stripPrefix: true })] }));
    expect(block(stripped, 'location = /_sidecar/upgrade/1').direct).toContain('proxy_pass http://app$sidecar_strip_1;');
  });
});

describe('renderNginxConf: what proxy routes send to the app', () => {
  it('sends the sidecar\'s headers, each replaced by a route header of the same name in any case, then the route\'s others', () => {
    const route = proxyRoute({
      path: '/api/',
      requestHeaders: [{ name: 'host', value: 'internal.example' }, { name: 'X-Forwarded-For', value: '$remote_addr' },
        { name: 'X-Real-IP', value: '' }, { name: 'X-Tenant', value: 'a b' }],
    });
    const conf = renderNginxConf(baseModel({ routes: [route] }));
    for (const head of ['location /api/', 'location = /_sidecar/upgrade/0']) {
      expect(block(conf, head).direct.filter((l) => l.startsWith('proxy_set_header') && !/ (Connection|Upgrade) /.test(l))).toStrictEqual([
        'proxy_set_header X-Forwarded-Proto $scheme;',
        'proxy_set_header X-Forwarded-Host $sidecar_host;',
        'proxy_set_header X-Forwarded-Port $sidecar_forwarded_port;',
        'proxy_set_header X-Request-ID $sidecar_request_id;',
        'proxy_set_header host internal.example;',
        'proxy_set_header X-Forwarded-For "$remote_addr";',
        'proxy_set_header X-Real-IP "";',
        'proxy_set_header X-Tenant "a b";',
      ]);
    }
  });

  it('writes a route\'s maxBodySize in both its locations, and none otherwise', () => {
    const conf = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/up/', maxBodySizeKib: 20480 }), proxyRoute({ path: '/' })] }));
    expect(block(conf, 'location /up/').direct).toContain('client_max_body_size 20m;');
    expect(block(conf, 'location = /_sidecar/upgrade/0').direct).toContain('client_max_body_size 20m;');
    expect(count(conf, 'client_max_body_size 20m;')).toBe(2);
  });

  it('rewrites redirects to the app\'s own address back, and on a stripPrefix route puts the prefix back', () => {
    const conf = renderNginxConf(baseModel({ upstreamPort: 9093, routes: [proxyRoute({ path: '/v1.0/api/', stripPrefix: true })] }));
    expect(block(conf, 'location /v1.0/api/').direct.filter((l) => l.startsWith('proxy_redirect'))).toStrictEqual([
      'proxy_redirect "~^(?:http://(?:127[.]0[.]0[.]1|localhost):9093)?/(?!/|v1[.]0/api(?:/|$))(.*)$" "/v1.0/api/$1";',
      'proxy_redirect "~^http://(?:127[.]0[.]0[.]1|localhost):9093(/(?!/).*)$" $1;',
      'proxy_redirect "~^http://(?:127[.]0[.]0[.]1|localhost):9093$" /v1.0/api/;',
    ]);
  });

  it('answers byte ranges itself on cached routes (nginx fetches the whole response to store it)', () => {
    const conf = renderNginxConf(baseModel({ cache: CACHE, routes: [proxyRoute({ path: '/c/', cache: { validMs: 1000, ignoreUpstreamCacheHeaders: false } }), proxyRoute({ path: '/' })] }));
    expect(block(conf, 'location /c/').direct).toContain('proxy_force_ranges on;');
    expect(count(conf, 'proxy_force_ranges on;')).toBe(1);
  });
});

describe('renderNginxConf: http-level traffic settings', () => {
  it('keeps a safe client X-Request-ID, else uses nginx\'s $request_id', () => {
    expect(block(renderNginxConf(baseModel()), 'map $http_x_request_id $sidecar_request_id').direct).toStrictEqual([
      'default $request_id;',
      '"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;',
    ]);
  });

  it.each([[false, '$scheme'], [true, '$sidecar_forwarded_proto']])('passes the Host as sent and derives its port (trusted proto: %p)', (trustForwardedProto, proto) => {
    const conf = renderNginxConf(baseModel({ trustForwardedProto }));
    expect(block(conf, 'map $http_host $sidecar_host').direct).toStrictEqual(['default $http_host;', '"" $host;']);
    expect(block(conf, 'map $http_host $sidecar_host_port').direct).toStrictEqual(['default "";', '"~:([0-9]+)$" $1;']);
    expect(block(conf, `map "$sidecar_host_port/${proto}" $sidecar_forwarded_port`).direct)
      .toStrictEqual(['default 80;', '"~^([0-9]+)/" $1;', '/https 443;']);
  });

  it('sizes the proxy buffers for 16 KiB of response headers, consistently, when something proxies', () => {
    const http = block(renderNginxConf(baseModel()), 'http').direct;
    expect(http).toEqual(expect.arrayContaining(['proxy_buffer_size 32k;', 'proxy_buffers 8 8k;', 'proxy_busy_buffers_size 32k;']));
    const staticOnly = renderNginxConf(baseModel({ upstreamPort: undefined, routes: [staticRoute()] }));
    expect(staticOnly).not.toContain('proxy_buffer');
    expect(staticOnly).not.toContain('$sidecar_host');
  });

  it('lets each worker open twice its connections in files', () => {
    const conf = renderNginxConf(baseModel({ workerConnections: 4096, workerRlimitNofile: 8192 }));
    expect(conf).toMatch(/^worker_rlimit_nofile 8192;$/m);
    expect(block(conf, 'events').direct).toStrictEqual(['worker_connections 4096;']);
  });

  it('compiles its regular expressions once, at start (PCRE JIT), in the main context', () => {
    const conf = renderNginxConf(baseModel());
    expect(conf).toMatch(/^pcre_jit on;$/m);
    expect(block(conf, 'http').all).not.toContain('pcre_jit on;');
  });
});
