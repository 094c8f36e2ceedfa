import { ConfWriter } from './conf-writer';
import { DirectiveModel, HeaderModel, NginxConfModel } from './model';
import { TRAFFIC_VARS } from './render-traffic';
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
  /** With a redirect to https and a trusted X-Forwarded-Proto: 1 unless the client's scheme was https or it is the health endpoint. */
  httpsRedirect: '$sidecar_https_redirect',
  /** With a trusted X-Forwarded-Proto and HSTS: the HSTS value for a request the client sent over HTTPS, else empty. */
  hsts: '$sidecar_hsts',
} as const;

/** The sidecar-wide headers, each replaced by the route's header of the same name (case-insensitive), then the route's others. */
export function locationHeaders(conf: NginxConfModel, routeHeaders: HeaderModel[]): HeaderModel[] {
  const own = new Set(routeHeaders.map((h) => h.name.toLowerCase()));
  return [...conf.headers.filter((h) => !own.has(h.name.toLowerCase())), ...routeHeaders];
}

export function renderHeaders(w: ConfWriter, headers: HeaderModel[]): void {
  for (const h of headers) {
    w.directive('add_header', arg(h.name), arg(h.value), 'always');
  }
}

/** Every response says which request it answers: the ID the app got and the access log shows. */
export function renderRequestIdHeader(w: ConfWriter): void {
  w.directive('add_header', 'X-Request-ID', TRAFFIC_VARS.requestId, 'always');
}

/** Writes escape-hatch directives; names and arguments were checked where they entered. */
export function renderDirectives(w: ConfWriter, directives: DirectiveModel[]): void {
  for (const d of directives) {
    w.userDirective(d.name, d.args);
  }
}
