import { ConfWriter } from './conf-writer';
import { FileRouteModel, NginxConfModel, RouteModel, SIDECAR_ENDPOINTS, StaticRouteModel } from './model';
import { renderAccessChecks, renderCorsHeaders } from './render-access';
import { renderRedirectedCorsHeaders } from './render-redirected-cors';
import { renderAuthLocations } from './render-auth';
import { renderLocationLimits } from './render-limits';
import { renderProxy } from './render-proxy';
import { VARS, locationHeaders, renderDirectives, renderHeaders, renderRequestIdHeader } from './render-shared';
import { arg } from './tokens';

/** Writes one `location` block for a route. */
export function renderRoute(w: ConfWriter, conf: NginxConfModel, route: RouteModel, index: number): void {
  switch (route.kind) {
    case 'proxy':
      renderProxy(w, conf, route, index);
      break;
    case 'static':
      renderStatic(w, conf, route, index);
      break;
    case 'file':
      renderFile(w, conf, route, index);
      break;
  }
}

function renderStatic(w: ConfWriter, conf: NginxConfModel, route: StaticRouteModel, index: number): void {
  w.block(`location ${arg(route.path)}`, () => {
    renderAccessChecks(w, conf, route, { upgrade: false });
    renderLocationLimits(w, conf, route, index);
    w.directive('root', arg(route.root));
    w.directive('index', arg(route.index));
    const fallback = route.spaFallback ? arg(`${route.path.replace(/\/?$/, '/')}${route.index}`) : '=404';
    w.directive('try_files', '$uri', '$uri/', fallback);
    renderGzipStatic(w, conf);
    renderRequestIdHeader(w);
    renderHeaders(w, locationHeaders(conf, route.headers));
    renderCorsHeaders(w, conf, route);
    renderDirectives(w, route.directives);
  });
}

function renderFile(w: ConfWriter, conf: NginxConfModel, route: FileRouteModel, index: number): void {
  w.block(`location = ${arg(route.path)}`, () => {
    renderAccessChecks(w, conf, route, { upgrade: false });
    renderLocationLimits(w, conf, route, index);
    w.directive('root', arg(route.root));
    renderGzipStatic(w, conf);
    renderRequestIdHeader(w);
    renderHeaders(w, locationHeaders(conf, route.headers));
    renderCorsHeaders(w, conf, route);
    renderDirectives(w, route.directives);
  });
}

/** Files from the ConfigMap have their .gz beside them (compressed at synthesis): served as they are. */
function renderGzipStatic(w: ConfWriter, conf: NginxConfModel): void {
  if (conf.gzip) {
    w.directive('gzip_static', 'on');
  }
}

/** The sidecar's own endpoints: health (never proxied, never logged) and the error page. */
export function renderSidecarEndpoints(w: ConfWriter, conf: NginxConfModel): void {
  w.block(`location = ${SIDECAR_ENDPOINTS.health}`, () => {
    w.directive('access_log', 'off');
    w.directive('default_type', 'text/plain');
    w.directive('return', '200', '"ok\\n"');
  });
  renderAuthLocations(w, conf, conf.trustForwardedProto ? VARS.forwardedProto : '$scheme');
  w.block(`location = ${SIDECAR_ENDPOINTS.errorPage}`, () => {
    w.directive('internal');
    w.directive('alias', arg(conf.layout.errorPage));
    // add_header here replaces every outer one, so the sidecar-wide headers are repeated; an
    // error is never to be cached, whatever Cache-Control the routes send.
    w.directive('add_header', 'Cache-Control', '"no-store"', 'always');
    renderRequestIdHeader(w);
    renderHeaders(w, conf.headers.filter((h) => h.name.toLowerCase() !== 'cache-control'));
    renderRedirectedCorsHeaders(w, conf);
  });
}
