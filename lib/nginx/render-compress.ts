import { ConfWriter, nginxTime } from './conf-writer';
import { ERROR_PAGE_CODES, NginxConfModel, ProxyRouteModel, SIDECAR_ENDPOINTS } from './model';
import { arg } from './tokens';

/**
 * Compress once: a cached route stores the gzip variant, so a cache hit costs no compression.
 *
 * nginx's gzip filter runs after the cache, so a cached identity body would be compressed again on
 * every hit (measured: one worker tops out near 1k req/s for browsers on a 99 KB asset). Instead a
 * cached route proxies through an internal server on a Unix socket in the emptyDir that asks the
 * app for identity and compresses (at level 9: paid once per cache fill). The route asks it for
 * gzip or not by the client's Accept-Encoding, normalised to `gzip` or nothing, and keys the cache
 * by that too: two variants, each served as stored.
 */

/** Names this file defines. */
export const COMPRESS = {
  /** `gzip` when the client accepts gzip (not `q=0`), else empty. */
  acceptVar: '$sidecar_gzip',
  upstream: 'sidecar_compress',
} as const;

/** Whether the routes of this config go through the compressing server: gzip on and a route caches. */
export function compressesOnce(conf: NginxConfModel): boolean {
  return conf.gzip !== undefined && conf.routes.some((r) => r.kind === 'proxy' && r.cache);
}

function socket(conf: NginxConfModel): string {
  return `unix:${conf.layout.varDir}/compress.sock`;
}

/** The http-level map and upstream of the compressing server. */
export function renderCompressUpstream(w: ConfWriter, conf: NginxConfModel): void {
  if (!compressesOnce(conf)) {
    return;
  }
  w.block(`map $http_accept_encoding ${COMPRESS.acceptVar}`, () => {
    w.directive('default', '""');
    w.directive('"~*gzip\\s*;\\s*q=0(\\.0+)?\\s*(,|$)"', '""');
    w.directive('"~*gzip"', 'gzip');
  });
  w.block(`upstream ${COMPRESS.upstream}`, () => {
    w.directive('server', arg(socket(conf)));
    w.directive('keepalive', String(conf.upstreamKeepalive));
  });
  w.blank();
}

/**
 * The compressing server: it passes the request on to the app unchanged but for Accept-Encoding
 * (identity from the app, then gzip here), with the longest timeouts of the cached routes (theirs
 * apply in front of it).
 */
export function renderCompressServer(w: ConfWriter, conf: NginxConfModel): void {
  if (!compressesOnce(conf)) {
    return;
  }
  const cached = conf.routes.filter((r): r is ProxyRouteModel => r.kind === 'proxy' && r.cache !== undefined);
  const longest = (f: (r: ProxyRouteModel) => number) => nginxTime(Math.max(...cached.map(f)));
  w.blank();
  w.block('server', () => {
    w.directive('listen', arg(socket(conf)));
    w.directive('access_log', 'off');
    w.directive('gzip_comp_level', '9');
    // No Vary from here: the stored answer would then vary on the client's raw Accept-Encoding
    // (one entry per browser's spelling of it); the route keys by the normalised one and tells the
    // client Vary: Accept-Encoding itself. The app's own Vary (Cookie, ...) is kept.
    w.directive('gzip_vary', 'off');
    w.directive('error_page', ...ERROR_PAGE_CODES.map(String), SIDECAR_ENDPOINTS.errorPage);
    w.block(`location = ${SIDECAR_ENDPOINTS.errorPage}`, () => {
      w.directive('internal');
      w.directive('alias', arg(conf.layout.errorPage));
      w.directive('add_header', 'Cache-Control', '"no-store"', 'always');
    });
    w.block('location /', () => {
      w.directive('proxy_pass', `http://${SIDECAR_ENDPOINTS.upstreamName}`);
      w.directive('proxy_http_version', '1.1');
      w.directive('proxy_set_header', 'Connection', '""');
      // The Host (and every X-Forwarded-* header) as the route set it.
      w.directive('proxy_set_header', 'Host', '$http_host');
      w.directive('proxy_set_header', 'Accept-Encoding', '""');
      w.directive('proxy_connect_timeout', longest((r) => r.connectTimeoutMs));
      w.directive('proxy_send_timeout', longest((r) => r.sendTimeoutMs));
      w.directive('proxy_read_timeout', longest((r) => r.readTimeoutMs));
    });
  });
}
