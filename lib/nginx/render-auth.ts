import { ConfWriter, nginxTime } from './conf-writer';
import { accessOf, tables } from './access-tables';
import { ERROR_PAGE_CODES, ExternalAuthModel, HeaderModel, NginxConfModel, RouteModel, SIDECAR_ENDPOINTS } from './model';
import { renderRedirectedCorsHeaders } from './render-redirected-cors';
import { renderHeaders, renderRequestIdHeader } from './render-shared';
import { TRAFFIC_VARS } from './render-traffic';
import { arg } from './tokens';

/**
 * External auth (`auth_request`): each distinct service's upstream, internal location and sign-in
 * redirect; the check in a route's locations; the headers it passes to the app, and what identity
 * means for a cached route behind it.
 */

/** Where the auth subrequests go: `<prefix><k>`, internal. */
const AUTH_PREFIX = '/_sidecar/auth/';
/** The auth services' upstreams are named with this and a number (the test server leaves them alone). */
export const AUTH_UPSTREAM_PREFIX = 'sidecar_auth_';
const authUpstream = (k: number) => `${AUTH_UPSTREAM_PREFIX}${k}`;
const authVar = (k: number, i: number) => `$sidecar_auth_${k}_${i}`;
const anonymousVar = (k: number) => `$sidecar_auth_${k}_anonymous`;
/** The original request's URI with up to 4 `&` escaped, for a sign-in URL's `rd`. */
const RD = '$sidecar_sign_in_rd';

/**
 * The http-level pieces: each service's upstream (a few idle connections kept: every request asks
 * it; a Service's name is resolved when nginx starts or reloads, and a ClusterIP does not change),
 * whether it named anybody, and `rd`.
 */
export function renderAuthUpstreams(w: ConfWriter, conf: NginxConfModel): void {
  const auths = tables(conf).auth.map((json) => JSON.parse(json) as ExternalAuthModel);
  auths.forEach((auth, k) => {
    w.block(`upstream ${authUpstream(k)}`, () => {
      w.directive('server', `${auth.host}:${auth.port}`);
      w.directive('keepalive', '8');
    });
    if (auth.responseHeaders.length > 0) {
      // Empty when the service passed none of its headers: nobody in particular, so nothing cached;
      // a value holding the cache key's separator could pass for another user's: nothing cached either.
      w.block(`map "${auth.responseHeaders.map((_, i) => authVar(k, i)).join('')}" ${anonymousVar(k)}`, () => {
        w.directive('""', '1');
        w.directive('"~[|]"', '1');
        w.directive('default', '""');
      });
    }
  });
  if (auths.some((a) => a.signInUrl !== undefined)) {
    // nginx cannot escape a URI; each `&` of the query would cut `rd` short: the usual counts are escaped.
    w.block(`map $request_uri ${RD}`, () => {
      w.directive('default', '$request_uri');
      // "//host/x" or "/\host/x" would be another site's address: back to the start page instead.
      w.directive('"~^/[/\\x5c]"', '/');
      for (let n = 1; n <= 4; n++) {
        const groups = Array.from({ length: n + 1 }, () => '([^&]*)').join('&');
        w.directive(`"~^${groups}$"`, `"${Array.from({ length: n + 1 }, (_, i) => `$${i + 1}`).join('%26')}"`);
      }
    });
  }
}

/** The check in a route's location: the subrequest, the headers it sets, and the sign-in for a 401. */
export function renderExternalAuthCheck(w: ConfWriter, conf: NginxConfModel, auth: ExternalAuthModel): void {
  const k = tables(conf).auth.indexOf(JSON.stringify(auth));
  w.directive('auth_request', `${AUTH_PREFIX}${k}`);
  auth.responseHeaders.forEach((h, i) => w.directive('auth_request_set', authVar(k, i), `$upstream_http_${h.toLowerCase().replace(/-/g, '_')}`));
  if (auth.signInUrl !== undefined) {
    // error_page in a location replaces the server's: the error page's codes are repeated.
    w.directive('error_page', '401', '=', `@sidecar_signin_${k}`);
    w.directive('error_page', ...ERROR_PAGE_CODES.map(String), SIDECAR_ENDPOINTS.errorPage);
  }
}

/**
 * Each service's internal location (the subrequest: the request's headers, no body, the original
 * URI and method; its own timeouts; never cached) and its sign-in redirect.
 */
export function renderAuthLocations(w: ConfWriter, conf: NginxConfModel, scheme: string): void {
  // The Host as sent, port included; $host for an HTTP/1.0 request without one (never empty).
  const host = conf.routes.some((r) => r.kind === 'proxy') ? TRAFFIC_VARS.host : '$host';
  tables(conf).auth.forEach((json, k) => {
    const auth = JSON.parse(json) as ExternalAuthModel;
    w.block(`location = ${AUTH_PREFIX}${k}`, () => {
      w.directive('internal');
      w.directive('proxy_pass', `http://${authUpstream(k)}${auth.path}`);
      w.directive('proxy_http_version', '1.1');
      w.directive('proxy_set_header', 'Connection', '""');
      // In the pod, the client's Host (as oauth2-proxy's own recipe); a Service by its name, which a mesh routes by.
      w.directive('proxy_set_header', 'Host', auth.host === '127.0.0.1' ? host : `${auth.host}:${auth.port}`);
      w.directive('proxy_pass_request_body', 'off');
      w.directive('proxy_set_header', 'Content-Length', '""');
      w.directive('proxy_set_header', 'X-Original-URI', '$request_uri');
      w.directive('proxy_set_header', 'X-Original-Method', '$request_method');
      w.directive('proxy_set_header', 'X-Forwarded-Uri', '$request_uri');
      w.directive('proxy_set_header', 'X-Forwarded-Host', host);
      w.directive('proxy_set_header', 'X-Forwarded-Proto', scheme);
      w.directive('proxy_set_header', 'X-Real-IP', '$remote_addr');
      const t = nginxTime(auth.timeoutMs);
      w.directive('proxy_connect_timeout', t);
      w.directive('proxy_send_timeout', t);
      w.directive('proxy_read_timeout', t);
    });
    if (auth.signInUrl !== undefined) {
      const glue = auth.signInUrl.includes('?') ? '&' : '?';
      // A path: back to the same site by a relative rd; an absolute sign-in URL (another host) needs the whole URL.
      const back = auth.signInUrl.startsWith('/') ? RD : `${scheme}://${host}${RD}`;
      w.block(`location @sidecar_signin_${k}`, () => {
        renderRequestIdHeader(w);
        // A browser that kept this redirect would be sent to sign in again after signing in.
        renderHeaders(w, conf.headers.filter((h) => h.name.toLowerCase() !== 'cache-control'));
        w.directive('add_header', 'Cache-Control', '"no-store"', 'always');
        renderRedirectedCorsHeaders(w, conf);
        w.directive('return', '302', arg(`${auth.signInUrl}${glue}rd=${back}`));
      });
    }
  });
}

/**
 * The identity headers the app gets on this route: the route's auth service's (each replacing the
 * client's), and every other identity header the sidecar sets on some route emptied, so that a
 * client cannot send one through a route without that auth (`X-Forwarded-User` of basic auth is
 * the caller's to add, with its `Authorization` cleared).
 */
export function identityHeaders(conf: NginxConfModel, route: RouteModel): HeaderModel[] {
  const auth = accessOf(conf, route)?.externalAuth;
  const own = auth ? auth.responseHeaders.map((name, i) => ({ name, value: authVar(tables(conf).auth.indexOf(JSON.stringify(auth)), i) })) : [];
  const mine = new Set(own.map((h) => h.name.toLowerCase()));
  const basic = accessOf(conf, route)?.basicAuth !== undefined;
  const elsewhere = new Set<string>();
  for (const r of conf.routes) {
    const a = accessOf(conf, r);
    a?.externalAuth?.responseHeaders.forEach((h) => elsewhere.add(h));
    if (a?.basicAuth && !basic) {
      elsewhere.add('X-Forwarded-User');
    }
  }
  const cleared = [...elsewhere].filter((h) => !mine.has(h.toLowerCase())).map((name) => ({ name, value: '""' }));
  return [...own, ...cleared];
}

/** What a cached route's key adds behind auth: who asked (basic auth's user, the auth service's headers). */
export function authCacheKey(conf: NginxConfModel, route: RouteModel): string {
  const a = accessOf(conf, route);
  const own = a?.externalAuth ? identityHeaders(conf, route).filter((h) => h.value !== '""') : [];
  return `${a?.basicAuth ? '|$remote_user' : ''}${own.map((h) => `|${h.value}`).join('')}`;
}

/** Behind external auth, a request it named nobody for is never cached nor answered from the cache: `1`, a variable, or none. */
export function anonymousNoCache(conf: NginxConfModel, route: RouteModel): string | undefined {
  const auth = accessOf(conf, route)?.externalAuth;
  if (!auth) {
    return undefined;
  }
  return auth.responseHeaders.length === 0 ? '1' : anonymousVar(tables(conf).auth.indexOf(JSON.stringify(auth)));
}
