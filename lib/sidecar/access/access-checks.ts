import { invalid } from '../../errors';
import { AccessModel, HeaderModel, RouteModel } from '../../nginx/model';

/** The response headers CORS sets: a route's or the sidecar's `headers` of these names would go out twice. */
const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age'];

/** The sidecar-wide `responseHeaders` beside the sidecar's own `access.cors`. */
export function checkSidecarAccess(access: AccessModel | undefined, headers: HeaderModel[]): void {
  if (access?.cors) {
    refuseCorsHeaders('responseHeaders header name', headers, 'access.cors');
  }
}

/**
 * A route's rules beside its other options, once it is added: the headers the rules set are never
 * set twice (CORS response headers, the auth service's request headers), and a 401 goes to the
 * sign-in URL only when the auth service said it.
 */
export function checkRouteAccess(field: string, route: RouteModel, sidecarAccess: AccessModel | undefined, sidecarHeaders: HeaderModel[]): void {
  const access = route.access ?? sidecarAccess;
  const where = route.access ? `${field} access` : 'access';
  if (access?.cors) {
    refuseCorsHeaders(`${field} headers header name`, route.headers, `${where}.cors`);
  }
  if (route.access?.cors) {
    // The sidecar's own cors was checked against them when it was made.
    refuseCorsHeaders('responseHeaders header name', sidecarHeaders, `${field} access.cors, on that route`);
  }
  const auth = access?.externalAuth;
  if (!auth || route.kind !== 'proxy') {
    return;
  }
  const named = new Set(auth.responseHeaders.map((h) => h.toLowerCase()));
  const both = route.requestHeaders.find((h) => named.has(h.name.toLowerCase()));
  if (both) {
    throw invalid(`${field} requestHeaders header name`, both.name, `is set from the auth service's answer (${where}.externalAuth.responseHeaders): `
      + 'the app would get it twice');
  }
  if (auth.signInUrl !== undefined && route.interceptErrors) {
    throw invalid(`${field} interceptErrors`, true, `would send the app's own 401 answers to ${where}.externalAuth.signInUrl as well: `
      + 'drop one of them on this route');
  }
}

function refuseCorsHeaders(field: string, headers: HeaderModel[], by: string): void {
  const clash = headers.find((h) => CORS_HEADERS.includes(h.name.toLowerCase()));
  if (clash) {
    throw invalid(field, clash.name, `is set by ${by}; nginx would send both`);
  }
}
