import { NginxConfModel } from '../../lib/nginx/model';
import { renderNginxConf } from '../../lib/nginx/render';
import { CACHE, baseModel, block, fileRoute, proxyRoute, staticRoute } from './render-helpers';

describe('renderNginxConf: caching', () => {
  it('has no cache anywhere when no route caches, and each piece of it once one does', () => {
    const CACHE_TEXT = ['proxy_cache', 'proxy_no_cache', 'proxy_ignore_headers', '$sidecar_private', '$http_cookie', 'X-Cache-Status', 'proxy_cache_path'];
    const conf = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/' }), staticRoute(), fileRoute()] }));
    expect(block(conf, 'location /api/').all).toContain('proxy_pass http://app;');
    expect(block(conf, 'location /docs/').all).toContain('root /srv/static;');
    expect(block(conf, 'location = /robots.txt').all).toContain('root /srv/files;');
    for (const text of CACHE_TEXT) {
      expect(conf).not.toContain(text);
    }
    // The same routes with /api/ cached: every text looked for above is there (so none is misspelt).
    const cached = renderNginxConf(baseModel({
      cache: { ...CACHE, privateCookies: ['session'] },
      routes: [proxyRoute({ path: '/api/', cache: { validMs: 60000, ignoreUpstreamCacheHeaders: true } }), staticRoute(), fileRoute()],
    }));
    expect(CACHE_TEXT.filter((text) => cached.includes(text))).toStrictEqual(CACHE_TEXT);
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
      ])('does not match %j (and does match the names themselves)', (cookie) => {
        const regex = cookieRegex(['session', 'connect.sid']);
        expect(regex.test(cookie)).toBe(false);
        expect([regex.test('session=abc'), regex.test('connect.sid=s%3Ax')]).toStrictEqual([true, true]);
      });
    });

    it('serves stale on errors, updates in the background and locks', () => {
      const loc = block(cachedConf(), 'location /assets/').all;
      expect(loc).toEqual(expect.arrayContaining([
        'proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;',
        'proxy_cache_background_update on;',
        'proxy_cache_lock on;',
        'proxy_cache_methods GET HEAD;',
        'proxy_cache_key $scheme://$sidecar_host$request_uri;',
        'add_header X-Cache-Status $upstream_cache_status always;',
      ]));
    });

    it('keys the cache by the scheme the app is told: a trusted X-Forwarded-Proto', () => {
      expect(block(cachedConf(), 'location /assets/').all).toContain('proxy_cache_key $scheme://$sidecar_host$request_uri;');
      const trusted = cachedConf({ trustForwardedProto: true });
      const loc = block(trusted, 'location /assets/').all;
      expect(loc).toContain('proxy_cache_key $sidecar_forwarded_proto://$sidecar_host$request_uri;');
      expect(loc).toContain('proxy_set_header X-Forwarded-Proto $sidecar_forwarded_proto;');
    });

    it('ignores the upstream\'s Cache-Control and Expires only when asked', () => {
      expect(block(cachedConf({}, false), 'location /assets/').all.some((l) => l.startsWith('proxy_ignore_headers'))).toBe(false);
      expect(block(cachedConf({}, true), 'location /assets/').all).toContain('proxy_ignore_headers Cache-Control Expires;');
    });

    it('leaves the other routes uncached', () => {
      const conf = cachedConf({}, true);
      const loc = block(conf, 'location /api/').all;
      expect(loc.some((l) => /proxy_cache|proxy_no_cache|proxy_ignore_headers|X-Cache-Status/.test(l))).toBe(false);
      // /api/ is exactly what it is in a config without a cache, while /assets/ beside it caches.
      // (The upgrade location of the route is numbered by the route's place: /api/ is the second here.)
      const alone = renderNginxConf(baseModel({ routes: [proxyRoute({ path: '/api/' })] }));
      expect(loc).toStrictEqual(block(alone, 'location /api/').all.map((l) => l.replace('/_sidecar/upgrade/0', '/_sidecar/upgrade/1')));
      expect(loc).toContain('proxy_pass http://app;');
      expect(block(conf, 'location /assets/').all).toContain('proxy_cache sidecar_cache;');
    });
  });
});
