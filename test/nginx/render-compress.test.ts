import * as zlib from 'zlib';
import { renderNginxConf } from '../../lib/nginx/render';
import { gzipSiblings } from '../../lib/sidecar/precompress';
import { CACHE, GZIP, baseModel, block, lines, proxyRoute } from './render-helpers';

const cachedModel = (gzip = true) => baseModel({
  gzip: gzip ? GZIP : undefined,
  cache: CACHE,
  routes: [
    proxyRoute({ path: '/assets/', cache: { validMs: 3600000, ignoreUpstreamCacheHeaders: true }, readTimeoutMs: 90000 }),
    proxyRoute({ path: '/api/' }),
  ],
});

describe('renderNginxConf: a cached route stores compressed answers (compress once)', () => {
  it('sends a cached route through the compressing server, asking for the encoding the client accepts', () => {
    const conf = renderNginxConf(cachedModel());
    const loc = block(conf, 'location /assets/').direct;
    expect(loc).toEqual(expect.arrayContaining([
      'proxy_pass http://sidecar_compress;',
      'proxy_set_header Accept-Encoding $sidecar_gzip;',
      'gzip off;',
      'add_header Vary Accept-Encoding always;',
      'proxy_cache_key $scheme://$sidecar_host$request_uri|$sidecar_gzip;',
    ]));
    // An uncached route beside it goes to the app directly and is compressed as usual.
    const api = block(conf, 'location /api/').direct;
    expect(api).toContain('proxy_pass http://app;');
    expect(api.filter((l) => /Accept-Encoding|^gzip /.test(l))).toStrictEqual([]);
  });

  it('normalises Accept-Encoding to gzip or nothing, refusing q=0', () => {
    expect(block(renderNginxConf(cachedModel()), 'map $http_accept_encoding $sidecar_gzip').all).toStrictEqual([
      'default "";', '"~*gzip\\s*;\\s*q=0(\\.0+)?\\s*(,|$)" "";', '"~*gzip" gzip;',
    ]);
  });

  it('runs the compressing server on a socket in the emptyDir, asking the app for identity, with the longest timeouts', () => {
    const conf = renderNginxConf(cachedModel());
    expect(block(conf, 'upstream sidecar_compress').all).toStrictEqual(['server unix:/var/cache/nginx/compress.sock;', 'keepalive 16;']);
    const servers = lines(conf).filter((l) => l === 'server {');
    expect(servers).toHaveLength(2);
    const compress = conf.slice(conf.lastIndexOf('  server {'));
    expect(compress).toContain('    listen unix:/var/cache/nginx/compress.sock;\n');
    expect(compress).toContain('    gzip_comp_level 9;\n    gzip_vary off;\n');
    expect(block(compress, 'location /').all).toStrictEqual([
      'proxy_pass http://app;', 'proxy_http_version 1.1;', 'proxy_set_header Connection "";', 'proxy_set_header Host $http_host;',
      'proxy_set_header Accept-Encoding "";', 'proxy_connect_timeout 5s;', 'proxy_send_timeout 1m;', 'proxy_read_timeout 90s;',
    ]);
  });

  it('has no compressing server without gzip, nor without a cached route', () => {
    for (const conf of [renderNginxConf(cachedModel(false)), renderNginxConf(baseModel({ gzip: GZIP, routes: [proxyRoute()] }))]) {
      expect(conf).not.toContain('sidecar_compress');
      expect(conf).not.toContain('$sidecar_gzip');
      expect(lines(conf).filter((l) => l.startsWith('proxy_pass '))[0]).toBe('proxy_pass http://app;');
    }
  });

  it('leaves tcp_nopush off: it stalled cached answers over loopback', () => {
    expect(block(renderNginxConf(cachedModel()), 'http').direct)
      .toEqual(expect.arrayContaining(['sendfile on;', 'tcp_nopush off;', 'open_file_cache max=1000 inactive=60s;']));
  });
});

describe('gzipSiblings: static files precompressed at synthesis', () => {
  const text = (relPath: string, bytes: number) => ({ relPath, source: `/src/${relPath}`, bytes: Buffer.from('body { color: red; }\n'.repeat(bytes / 21)) });

  it('adds a .gz of each compressible file of at least gzip.minLength that gzip shrinks, which decompresses to it', () => {
    const files = [text('a.css', 4200), text('index.html', 2100), text('small.js', 420), { relPath: 'logo.png', source: '/src/logo.png', bytes: Buffer.alloc(4096, 7) }];
    const gz = gzipSiblings(files, GZIP);
    expect(gz.map((f) => f.relPath)).toStrictEqual(['a.css.gz', 'index.html.gz']);
    expect(zlib.gunzipSync(gz[0].bytes)).toStrictEqual(files[0].bytes);
    expect(gz[0].bytes.length).toBeLessThan(files[0].bytes.length / 10);
    // The same bytes every run: no time or name in the gzip header.
    expect(gzipSiblings(files, GZIP)[0].bytes).toStrictEqual(gz[0].bytes);
    expect(gz[0].bytes.readUInt32LE(4)).toBe(0);
  });

  it('keeps a .gz the directory already has, and skips types gzip.types leaves out', () => {
    const files = [text('a.css', 4200), { relPath: 'a.css.gz', source: '/src/a.css.gz', bytes: Buffer.from('mine') }];
    expect(gzipSiblings(files, GZIP)).toStrictEqual([]);
    expect(gzipSiblings([text('a.css', 4200)], { ...GZIP, types: ['application/json'] })).toStrictEqual([]);
    expect(gzipSiblings([text('a.css', 4200)], GZIP).map((f) => f.relPath)).toStrictEqual(['a.css.gz']);
  });
});
