import { ConfWriter, nginxTime } from './conf-writer';
import { AccessModel, CorsModel, ERROR_PAGE_CODES, ExternalAuthModel, HeaderModel, NginxConfModel, RouteModel, SIDECAR_ENDPOINTS } from './model';
import { arg } from './tokens';

/**
 * Access rules of routes. Their order on a request: the allow list and the CORS preflight in the
 * rewrite phase (an `if` with `return`, safe in nginx: a denied address gets 403 before anything
 * else, and a preflight from an allowed origin its 204 before authentication, since browsers send
 * preflights without credentials), then basic auth in the access phase (401). Each distinct allow
 * list and CORS setting gets its maps at the http level, numbered in the order routes use them.
 */

/** The rules a route follows: its own, else the sidecar's. */
export function accessOf(conf: NginxConfModel, route: RouteModel): AccessModel | undefined {
  return route.access ?? conf.access;
}

interface AccessTables {
  readonly allow: string[];
  readonly cors: string[];
  readonly auth: string[];
}

/** The distinct allow lists and CORS settings in use, as JSON, in route order. */
function tables(conf: NginxConfModel): AccessTables {
  const t: AccessTables = { allow: [], cors: [], auth: [] };
  for (const route of conf.routes) {
    const a = accessOf(conf, route);
    for (const [list, value] of [[t.allow, a?.allowFrom], [t.cors, a?.cors], [t.auth, a?.externalAuth]] as const) {
      const json = value && JSON.stringify(value);
      if (json && !list.includes(json)) {
        list.push(json);
      }
    }
  }
  return t;
}

const v = (what: string, k: number) => `$sidecar_${what}_${k}`;

/** The http-level maps: a `geo` per allow list (on the client's address), and each CORS setting's maps. */
export function renderAccessMaps(w: ConfWriter, conf: NginxConfModel): void {
  const t = tables(conf);
  t.allow.forEach((json, k) => {
    w.block(`geo ${v('allow', k)}`, () => {
      w.directive('default', '0');
      (JSON.parse(json) as string[]).forEach((range) => w.directive(range, '1'));
    });
  });
  t.cors.forEach((json, k) => renderCorsMaps(w, JSON.parse(json) as CorsModel, k));
}

function renderCorsMaps(w: ConfWriter, cors: CorsModel, k: number): void {
  const origin = cors.anyOrigin ? '$http_origin' : v('cors_origin', k);
  if (!cors.anyOrigin) {
    // The Origin header when it is allowed, else empty: every CORS header of a response follows it.
    w.block(`map $http_origin ${origin}`, () => {
      w.directive('default', '""');
      cors.exactOrigins.forEach((o) => w.directive(arg(o), '$http_origin'));
      cors.originPatterns.forEach((p) => w.directive(`"~${p}"`, '$http_origin'));
    });
  }
  // A preflight: OPTIONS with Access-Control-Request-Method, from an allowed origin.
  w.block(`map "$request_method:$http_access_control_request_method:${origin}" ${v('cors_preflight', k)}`, () => {
    w.directive('default', '""');
    w.directive('"~^OPTIONS:[^:]+:."', '1');
  });
  if (cors.credentials) {
    w.block(`map ${origin} ${v('cors_credentials', k)}`, () => {
      w.directive('""', '""');
      w.directive('default', 'true');
    });
  }
  if (cors.exposeHeaders.length > 0 && !cors.anyOrigin) {
    w.block(`map ${origin} ${v('cors_expose', k)}`, () => {
      w.directive('""', '""');
      w.directive('default', arg(cors.exposeHeaders.join(', ')));
    });
  }
}

/**
 * The rewrite-phase part of a route's rules, first in its location: 403 outside the allow list,
 * then (not in an upgrade location: WebSockets have no preflight) the preflight's own answer.
 */
export function renderAccessChecks(w: ConfWriter, conf: NginxConfModel, route: RouteModel, opts: { upgrade: boolean }): void {
  const a = accessOf(conf, route);
  if (!a) {
    return;
  }
  const t = tables(conf);
  if (a.allowFrom) {
    w.block(`if (${v('allow', t.allow.indexOf(JSON.stringify(a.allowFrom)))} = 0)`, () => w.directive('return', '403'));
  }
  if (a.cors && !opts.upgrade) {
    const k = t.cors.indexOf(JSON.stringify(a.cors));
    const cors = a.cors;
    // add_header inside `if` replaces the location's: the preflight's headers are all here.
    w.block(`if (${v('cors_preflight', k)})`, () => {
      corsOriginHeaders(w, cors, k, false);
      w.directive('add_header', 'Access-Control-Allow-Methods', arg(cors.methods.join(', ')));
      w.directive('add_header', 'Access-Control-Allow-Headers', arg(cors.headers.join(', ')));
      w.directive('add_header', 'Access-Control-Max-Age', String(cors.maxAgeSeconds));
      w.directive('return', '204');
    });
  }
  if (a.basicAuth) {
    w.directive('auth_basic', arg(a.basicAuth.realm));
    w.directive('auth_basic_user_file', arg(a.basicAuth.userFile));
  }
  const auth = a.externalAuth;
  if (auth) {
    const k = t.auth.indexOf(JSON.stringify(auth));
    w.directive('auth_request', `${AUTH_PREFIX}${k}`);
    auth.responseHeaders.forEach((h, i) => w.directive('auth_request_set', authVar(k, i), `$upstream_http_${h.toLowerCase().replace(/-/g, '_')}`));
    if (auth.signInUrl !== undefined) {
      // error_page in a location replaces the server's: the error page's codes are repeated.
      w.directive('error_page', '401', '=', `@sidecar_signin_${k}`);
      w.directive('error_page', ...ERROR_PAGE_CODES.map(String), SIDECAR_ENDPOINTS.errorPage);
    }
  }
}

const authUpstream = (k: number) => `sidecar_auth_${k}`;

/**
 * Each external auth service's upstream, with a few idle connections kept (every request asks it).
 * A name (a Service's) is resolved once, when nginx starts or reloads: a ClusterIP does not change.
 */
export function renderAuthUpstreams(w: ConfWriter, conf: NginxConfModel): void {
  tables(conf).auth.forEach((json, k) => {
    const auth = JSON.parse(json) as ExternalAuthModel;
    w.block(`upstream ${authUpstream(k)}`, () => {
      w.directive('server', `${auth.host}:${auth.port}`);
      w.directive('keepalive', '8');
    });
  });
}

/** Where the auth subrequests go: `<prefix><k>`, internal. */
const AUTH_PREFIX = '/_sidecar/auth/';
const authVar = (k: number, i: number) => `$sidecar_auth_${k}_${i}`;

/**
 * Each external auth service's internal location (the subrequest: the request's headers, no body,
 * the original URI and method; its own timeouts; never cached) and its sign-in redirect.
 */
export function renderAuthLocations(w: ConfWriter, conf: NginxConfModel, scheme: string): void {
  tables(conf).auth.forEach((json, k) => {
    const auth = JSON.parse(json) as ExternalAuthModel;
    w.block(`location = ${AUTH_PREFIX}${k}`, () => {
      w.directive('internal');
      w.directive('proxy_pass', `http://${authUpstream(k)}${auth.path}`);
      w.directive('proxy_http_version', '1.1');
      w.directive('proxy_set_header', 'Connection', '""');
      w.directive('proxy_pass_request_body', 'off');
      w.directive('proxy_set_header', 'Content-Length', '""');
      w.directive('proxy_set_header', 'X-Original-URI', '$request_uri');
      w.directive('proxy_set_header', 'X-Original-Method', '$request_method');
      w.directive('proxy_set_header', 'X-Forwarded-Uri', '$request_uri');
      w.directive('proxy_set_header', 'X-Forwarded-Host', '$http_host');
      w.directive('proxy_set_header', 'X-Forwarded-Proto', scheme);
      w.directive('proxy_set_header', 'X-Real-IP', '$remote_addr');
      const t = nginxTime(auth.timeoutMs);
      w.directive('proxy_connect_timeout', t);
      w.directive('proxy_send_timeout', t);
      w.directive('proxy_read_timeout', t);
    });
    if (auth.signInUrl !== undefined) {
      const glue = auth.signInUrl.includes('?') ? '&' : '?';
      w.block(`location @sidecar_signin_${k}`, () => {
        w.directive('return', '302', arg(`${auth.signInUrl}${glue}rd=${scheme}://$http_host$request_uri`));
      });
    }
  });
}

/** The headers the route's auth service passed, for the app (each replaces the client's own). */
export function authHeaders(conf: NginxConfModel, route: RouteModel): HeaderModel[] {
  const auth = accessOf(conf, route)?.externalAuth;
  if (!auth) {
    return [];
  }
  const k = tables(conf).auth.indexOf(JSON.stringify(auth));
  return auth.responseHeaders.map((name, i) => ({ name, value: authVar(k, i) }));
}

/** What a cached route's key adds behind auth: who asked (basic auth's user, the auth service's headers). */
export function authCacheKey(conf: NginxConfModel, route: RouteModel): string {
  const a = accessOf(conf, route);
  return `${a?.basicAuth ? '|$remote_user' : ''}${authHeaders(conf, route).map((h) => `|${h.value}`).join('')}`;
}

/** The CORS headers of every response of the route (errors too: a page's script reads them), after its other headers. */
export function renderCorsHeaders(w: ConfWriter, conf: NginxConfModel, route: RouteModel): void {
  const cors = accessOf(conf, route)?.cors;
  if (!cors) {
    return;
  }
  const k = tables(conf).cors.indexOf(JSON.stringify(cors));
  corsOriginHeaders(w, cors, k, true);
  if (cors.exposeHeaders.length > 0) {
    w.directive('add_header', 'Access-Control-Expose-Headers', cors.anyOrigin ? arg(cors.exposeHeaders.join(', ')) : v('cors_expose', k), 'always');
  }
}

/** Allow-Origin, Allow-Credentials and Vary (the answer depends on Origin unless any origin is allowed). */
function corsOriginHeaders(w: ConfWriter, cors: CorsModel, k: number, always: boolean): void {
  const a = always ? ['always'] : [];
  w.directive('add_header', 'Access-Control-Allow-Origin', cors.anyOrigin ? '*' : v('cors_origin', k), ...a);
  if (cors.credentials) {
    w.directive('add_header', 'Access-Control-Allow-Credentials', v('cors_credentials', k), ...a);
  }
  if (!cors.anyOrigin) {
    w.directive('add_header', 'Vary', 'Origin', ...a);
  }
}

/** The app's own CORS headers, hidden on a route where the sidecar sends them (else they would go out twice). */
export const APP_CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers', 'Access-Control-Expose-Headers', 'Access-Control-Max-Age'];
