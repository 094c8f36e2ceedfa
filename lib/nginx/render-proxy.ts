import { ConfWriter, nginxSize, nginxTime } from './conf-writer';
import { HeaderModel, NginxConfModel, ProxyRouteModel, SIDECAR_ENDPOINTS } from './model';
import { VARS, locationHeaders, renderDirectives, renderHeaders, renderRequestIdHeader } from './render-shared';
import { COMPRESS, compressesOnce } from './render-compress';
import { TRAFFIC_VARS, literalRegex, strippedUriVar } from './render-traffic';
import { renderLocationLimits } from './render-limits';
import { APP_CORS_HEADERS, renderAccessChecks, renderCorsHeaders } from './render-access';
import { accessOf } from './access-tables';
import { anonymousNoCache, authCacheKey, identityHeaders } from './render-auth';
import { arg } from './tokens';

/**
 * A proxy route: its `location`, and an internal location its upgraded (WebSocket) requests are
 * rewritten to. nginx has one read timeout per location, so the long idle timeout of upgraded
 * connections gets a location of its own; ordinary requests keep the route's timeouts and an empty
 * `Connection` (upstream keepalive).
 */
export function renderProxy(w: ConfWriter, conf: NginxConfModel, route: ProxyRouteModel, index: number): void {
  const strip = route.stripPrefix ? strippedUriVar(index) : undefined;
  const upgrade = `${SIDECAR_ENDPOINTS.upgradePrefix}${index}`;
  w.block(`location ${arg(route.path)}`, () => {
    renderAccessChecks(w, conf, route, { upgrade: false });
    if (strip) {
      // The raw URI did not start with the prefix as written (e.g. "/%61pi/"): nothing sane to pass on.
      w.block(`if (${strip} = "")`, () => w.directive('return', '400'));
    }
    // Only return and rewrite are safe inside "if".
    w.block('if ($http_upgrade)', () => w.directive('rewrite', '^', upgrade, 'last'));
    renderLocationLimits(w, conf, route, index);
    // A URI part without variables would be the normalised one (%2F decoded): pass the raw one.
    // A cached route asks the compressing server, which stores the variant the client accepts.
    const compress = route.cache !== undefined && compressesOnce(conf);
    w.directive('proxy_pass', `http://${route.port !== undefined ? `127.0.0.1:${route.port}` : compress ? COMPRESS.upstream : SIDECAR_ENDPOINTS.upstreamName}${strip ?? ''}`);
    renderUpstreamRequest(w, conf, route, [{ name: 'Connection', value: '""' },
      ...(compress ? [{ name: 'Accept-Encoding', value: COMPRESS.acceptVar }] : [])]);
    if (compress) {
      // The stored answer is compressed already (or is the identity variant): never again per hit.
      w.directive('gzip', 'off');
      w.directive('add_header', 'Vary', 'Accept-Encoding', 'always');
    }
    w.directive('proxy_send_timeout', nginxTime(route.sendTimeoutMs));
    w.directive('proxy_read_timeout', nginxTime(route.readTimeoutMs));
    if (!route.buffering) {
      // Each chunk goes out as it comes; gzip flushes with it.
      w.directive('proxy_buffering', 'off');
    }
    if (route.cache) {
      w.directive('proxy_cache', SIDECAR_ENDPOINTS.cacheZone);
      w.directive('proxy_cache_methods', 'GET', 'HEAD');
      // What the app's answer depends on and the sidecar controls: the scheme the app is told
      // (a trusted X-Forwarded-Proto), the Host it is told and the URI.
      // Behind basic auth the sidecar has checked the credentials and keeps them: one copy per user
      // (the app is told who), and only the private cookies make a request private.
      const who = authCacheKey(conf, route);
      w.directive('proxy_cache_key', `${protoVar(conf)}://${TRAFFIC_VARS.host}$request_uri${compress ? `|${COMPRESS.acceptVar}` : ''}${who}`);
      w.directive('proxy_cache_valid', '200', '301', nginxTime(route.cache.validMs));
      const basicAuth = accessOf(conf, route)?.basicAuth !== undefined;
      const privateVar = !basicAuth ? VARS.private : conf.cache?.privateCookies.length ? VARS.privateCookie : undefined;
      const bypass = [...privateVar ? [privateVar] : [], ...[anonymousNoCache(conf, route)].filter((x): x is string => x !== undefined)];
      w.directive('proxy_no_cache', ...bypass, VARS.uncacheableStatus);
      if (bypass.length > 0) {
        w.directive('proxy_cache_bypass', ...bypass);
      }
      w.directive('proxy_cache_use_stale', 'error', 'timeout', 'updating', 'http_500', 'http_502', 'http_503', 'http_504');
      w.directive('proxy_cache_background_update', 'on');
      w.directive('proxy_cache_lock', 'on');
      w.directive('proxy_cache_revalidate', 'on');
      // nginx asks the app for the whole response to store it; it answers ranges from that itself.
      w.directive('proxy_force_ranges', 'on');
      if (route.cache.ignoreUpstreamCacheHeaders) {
        w.directive('proxy_ignore_headers', 'Cache-Control', 'Expires');
      }
      w.directive('add_header', 'X-Cache-Status', '$upstream_cache_status', 'always');
    }
    renderResponse(w, conf, route);
  });
  w.block(`location = ${upgrade}`, () => {
    w.directive('internal');
    renderAccessChecks(w, conf, route, { upgrade: true });
    renderLocationLimits(w, conf, route, index);
    w.directive('proxy_pass', `http://${route.port !== undefined ? `127.0.0.1:${route.port}` : SIDECAR_ENDPOINTS.upstreamName}${strip ?? '$request_uri'}`);
    renderUpstreamRequest(w, conf, route, [{ name: 'Upgrade', value: '$http_upgrade' }, { name: 'Connection', value: 'upgrade' }]);
    w.directive('proxy_send_timeout', nginxTime(route.upgradeIdleTimeoutMs));
    w.directive('proxy_read_timeout', nginxTime(route.upgradeIdleTimeoutMs));
    // The route's own directives too: access rules (allow, deny, auth) must hold for upgrades as well.
    renderResponse(w, conf, route);
  });
}

/** What both locations of a route send to the app: the URI, the headers, limits, redirects back. */
function renderUpstreamRequest(w: ConfWriter, conf: NginxConfModel, route: ProxyRouteModel, hopByHop: HeaderModel[]): void {
  w.directive('proxy_http_version', '1.1');
  for (const h of hopByHop) {
    w.directive('proxy_set_header', h.name, h.value);
  }
  for (const h of upstreamHeaders(conf, route)) {
    w.directive('proxy_set_header', h.name, h.value);
  }
  // The sidecar returns its own X-Request-ID: the app's echo of it would be a second one.
  w.directive('proxy_hide_header', 'X-Request-ID');
  renderRedirects(w, conf, route);
  w.directive('proxy_connect_timeout', nginxTime(route.connectTimeoutMs));
  if (route.maxBodySizeKib !== undefined) {
    w.directive('client_max_body_size', nginxSize(route.maxBodySizeKib));
  }
  if (route.interceptErrors) {
    w.directive('proxy_intercept_errors', 'on');
  }
}

/**
 * The sidecar's headers to the app (encoded tokens), each replaced by the route's header of the same
 * name (any case), then the route's others. An empty value sends none, not even the client's.
 */
function upstreamHeaders(conf: NginxConfModel, route: ProxyRouteModel): HeaderModel[] {
  const own: HeaderModel[] = [
    { name: 'Host', value: TRAFFIC_VARS.host },
    { name: 'X-Real-IP', value: '$remote_addr' },
    { name: 'X-Forwarded-For', value: conf.trustedProxies ? TRAFFIC_VARS.forwardedFor : '$proxy_add_x_forwarded_for' },
    { name: 'X-Forwarded-Proto', value: protoVar(conf) },
    { name: 'X-Forwarded-Host', value: TRAFFIC_VARS.host },
    { name: 'X-Forwarded-Port', value: TRAFFIC_VARS.forwardedPort },
    ...(route.stripPrefix ? [{ name: 'X-Forwarded-Prefix', value: arg(route.path.replace(/\/+$/, '')) }] : []),
    { name: 'X-Request-ID', value: TRAFFIC_VARS.requestId },
    // Basic auth is the sidecar's: the app learns who, never the password.
    ...(accessOf(conf, route)?.basicAuth ? [{ name: 'Authorization', value: '""' }, { name: 'X-Forwarded-User', value: '$remote_user' }] : []),
    ...identityHeaders(conf, route),
  ];
  const replaced = new Set(route.requestHeaders.map((h) => h.name.toLowerCase()));
  return [
    ...own.filter((h) => !replaced.has(h.name.toLowerCase())),
    ...route.requestHeaders.map((h) => ({ name: arg(h.name), value: arg(h.value) })),
  ];
}

/**
 * Redirects the app makes to its own address (`http://127.0.0.1:PORT/x`, `localhost` too) become
 * relative; on a stripPrefix route, a path outside the prefix (`/login`) gets it back (`/api/login`),
 * unless the app already put it there. `//host` (another host) and relative paths are left alone.
 */
function renderRedirects(w: ConfWriter, conf: NginxConfModel, route: ProxyRouteModel): void {
  const app = `http://(?:127[.]0[.]0[.]1|localhost):${route.port ?? conf.upstreamPort}`;
  const prefix = route.stripPrefix ? route.path : '/';
  if (route.stripPrefix) {
    // At "/" the lookahead refuses every path: nothing is prefixed.
    const segment = literalRegex(route.path.slice(1, -1));
    w.directive('proxy_redirect', arg(`~^(?:${app})?/(?!/|${segment}(?:/|$))(.*)$`), arg(`${prefix}$1`));
  }
  w.directive('proxy_redirect', arg(`~^${app}(/(?!/).*)$`), '$1');
  w.directive('proxy_redirect', arg(`~^${app}$`), arg(prefix));
}

/** The response side both locations share: the request ID, the headers, the route's directives. */
function renderResponse(w: ConfWriter, conf: NginxConfModel, route: ProxyRouteModel): void {
  renderRequestIdHeader(w);
  const headers = locationHeaders(conf, route.headers);
  // The sidecar's response headers replace the app's of the same name: never sent twice (an
  // empty value sends none at all).
  headers.forEach((h) => w.directive('proxy_hide_header', arg(h.name)));
  if (accessOf(conf, route)?.cors) {
    APP_CORS_HEADERS.forEach((name) => w.directive('proxy_hide_header', name));
  }
  renderHeaders(w, headers);
  renderCorsHeaders(w, conf, route);
  renderDirectives(w, route.directives);
}

/** The scheme the app is told: the request's own, or a trusted X-Forwarded-Proto (mapped to http or https). */
function protoVar(conf: NginxConfModel): string {
  return conf.trustForwardedProto ? VARS.forwardedProto : '$scheme';
}
