import { ConfWriter } from './conf-writer';
import { accessOf, tables } from './access-tables';
import { CorsModel, NginxConfModel, RouteModel } from './model';
import { renderExternalAuthCheck } from './render-auth';
import { REDIRECTED_CORS } from './render-redirected-cors';
import { locationHeaders, renderHeaders, renderRequestIdHeader } from './render-shared';
import { arg } from './tokens';

/**
 * Access rules of routes. Their order on a request: the allow list and the CORS preflight in the
 * rewrite phase (an `if` with `return`, safe in nginx: a denied address gets 403 before anything
 * else, and a preflight from an allowed origin its 204 before authentication, since browsers send
 * preflights without credentials), then basic auth in the access phase (401). Each distinct allow
 * list and CORS setting gets its maps at the http level, numbered in the order routes use them.
 */

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
      renderRequestIdHeader(w);
      renderHeaders(w, locationHeaders(conf, route.headers));
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
  if (a.externalAuth) {
    renderExternalAuthCheck(w, conf, a.externalAuth);
  }
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
  w.directive('set', REDIRECTED_CORS.origin, cors.anyOrigin ? '*' : v('cors_origin', k));
  if (cors.credentials) {
    w.directive('set', REDIRECTED_CORS.credentials, v('cors_credentials', k));
  }
  if (!cors.anyOrigin) {
    w.directive('set', REDIRECTED_CORS.vary, 'Origin');
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
