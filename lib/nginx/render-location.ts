import { ConfWriter, nginxTime } from './conf-writer';
import {
  DirectiveModel, FileRouteModel, HeaderModel, NginxConfModel, ProxyRouteModel, RouteModel,
  SIDECAR_ENDPOINTS, StaticRouteModel,
} from './model';
import { arg } from './tokens';

/** Variables defined by `map` blocks in the http context (see render.ts). */
export const VARS = {
  /** 1 when the request carries one of the private cookies. */
  privateCookie: '$sidecar_private_cookie',
  /** 1 when the request carries Authorization or a private cookie. */
  private: '$sidecar_private',
  /** 1 unless the upstream answered 200 or 301: such responses are never stored. */
  uncacheableStatus: '$sidecar_uncacheable_status',
  forwardedProto: '$sidecar_forwarded_proto',
} as const;

/** Writes one `location` block for a route. */
export function renderRoute(w: ConfWriter, conf: NginxConfModel, route: RouteModel): void {
  switch (route.kind) {
    case 'proxy':
      renderProxy(w, conf, route);
      break;
    case 'static':
      renderStatic(w, conf, route);
      break;
    case 'file':
      renderFile(w, conf, route);
      break;
  }
}

function renderProxy(w: ConfWriter, conf: NginxConfModel, route: ProxyRouteModel): void {
  w.block(`location ${arg(route.path)}`, () => {
    // With a URI part, nginx replaces the matched prefix: /api/x -> /x.
    w.directive('proxy_pass', `http://${SIDECAR_ENDPOINTS.upstreamName}${route.stripPrefix ? '/' : ''}`);
    w.directive('proxy_http_version', '1.1');
    w.directive('proxy_set_header', 'Connection', '""');
    w.directive('proxy_set_header', 'Host', '$host');
    w.directive('proxy_set_header', 'X-Real-IP', '$remote_addr');
    w.directive('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for');
    w.directive('proxy_set_header', 'X-Forwarded-Proto', protoVar(conf));
    w.directive('proxy_set_header', 'X-Forwarded-Host', '$host');
    if (route.stripPrefix) {
      w.directive('proxy_set_header', 'X-Forwarded-Prefix', arg(route.path.replace(/\/+$/, '')));
    }
    w.directive('proxy_connect_timeout', nginxTime(route.connectTimeoutMs));
    w.directive('proxy_send_timeout', nginxTime(route.sendTimeoutMs));
    w.directive('proxy_read_timeout', nginxTime(route.readTimeoutMs));
    if (route.interceptErrors) {
      w.directive('proxy_intercept_errors', 'on');
    }
    if (route.cache) {
      w.directive('proxy_cache', SIDECAR_ENDPOINTS.cacheZone);
      w.directive('proxy_cache_methods', 'GET', 'HEAD');
      // What the app's answer depends on and the sidecar controls: the scheme the app is told
      // (a trusted X-Forwarded-Proto), the host and the URI.
      w.directive('proxy_cache_key', `${protoVar(conf)}://$host$request_uri`);
      w.directive('proxy_cache_valid', '200', '301', nginxTime(route.cache.validMs));
      w.directive('proxy_no_cache', VARS.private, VARS.uncacheableStatus);
      w.directive('proxy_cache_bypass', VARS.private);
      w.directive('proxy_cache_use_stale', 'error', 'timeout', 'updating', 'http_500', 'http_502', 'http_503', 'http_504');
      w.directive('proxy_cache_background_update', 'on');
      w.directive('proxy_cache_lock', 'on');
      w.directive('proxy_cache_revalidate', 'on');
      if (route.cache.ignoreUpstreamCacheHeaders) {
        w.directive('proxy_ignore_headers', 'Cache-Control', 'Expires');
      }
      w.directive('add_header', 'X-Cache-Status', '$upstream_cache_status', 'always');
    }
    const headers = locationHeaders(conf, route.headers);
    // The sidecar's response headers replace the app's of the same name: never sent twice (an
    // empty value sends none at all).
    headers.forEach((h) => w.directive('proxy_hide_header', arg(h.name)));
    renderHeaders(w, headers);
    renderDirectives(w, route.directives);
  });
}

/** The scheme the app is told: the request's own, or a trusted X-Forwarded-Proto (mapped to http or https). */
function protoVar(conf: NginxConfModel): string {
  return conf.trustForwardedProto ? VARS.forwardedProto : '$scheme';
}

function renderStatic(w: ConfWriter, conf: NginxConfModel, route: StaticRouteModel): void {
  w.block(`location ${arg(route.path)}`, () => {
    w.directive('root', arg(route.root));
    w.directive('index', arg(route.index));
    const fallback = route.spaFallback ? arg(`${route.path.replace(/\/?$/, '/')}${route.index}`) : '=404';
    w.directive('try_files', '$uri', '$uri/', fallback);
    renderHeaders(w, locationHeaders(conf, route.headers));
    renderDirectives(w, route.directives);
  });
}

function renderFile(w: ConfWriter, conf: NginxConfModel, route: FileRouteModel): void {
  w.block(`location = ${arg(route.path)}`, () => {
    w.directive('root', arg(route.root));
    renderHeaders(w, locationHeaders(conf, route.headers));
    renderDirectives(w, route.directives);
  });
}

/** The sidecar's own endpoints: health (never proxied, never logged) and the error page. */
export function renderSidecarEndpoints(w: ConfWriter, conf: NginxConfModel): void {
  w.block(`location = ${SIDECAR_ENDPOINTS.health}`, () => {
    w.directive('access_log', 'off');
    w.directive('default_type', 'text/plain');
    w.directive('return', '200', '"ok\\n"');
  });
  w.block(`location = ${SIDECAR_ENDPOINTS.errorPage}`, () => {
    w.directive('internal');
    w.directive('alias', arg(conf.layout.errorPage));
    // add_header here replaces every outer one, so the sidecar-wide headers are repeated; an
    // error is never to be cached, whatever Cache-Control the routes send.
    w.directive('add_header', 'Cache-Control', '"no-store"', 'always');
    renderHeaders(w, conf.headers.filter((h) => h.name.toLowerCase() !== 'cache-control'));
  });
}

/** The sidecar-wide headers, each replaced by the route's header of the same name (case-insensitive), then the route's others. */
function locationHeaders(conf: NginxConfModel, routeHeaders: HeaderModel[]): HeaderModel[] {
  const own = new Set(routeHeaders.map((h) => h.name.toLowerCase()));
  return [...conf.headers.filter((h) => !own.has(h.name.toLowerCase())), ...routeHeaders];
}

function renderHeaders(w: ConfWriter, headers: HeaderModel[]): void {
  for (const h of headers) {
    w.directive('add_header', arg(h.name), arg(h.value), 'always');
  }
}

/** Writes escape-hatch directives; names and arguments were checked where they entered. */
export function renderDirectives(w: ConfWriter, directives: DirectiveModel[]): void {
  for (const d of directives) {
    w.userDirective(d.name, d.args);
  }
}
