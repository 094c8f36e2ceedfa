import { invalid } from '../../errors';
import { AccessModel, RouteModel } from '../../nginx/model';

/** A route as the check reads it: its name in messages (`routes[1] Route.proxy("/")`) and its model. */
export interface NamedRoute {
  readonly name: string;
  readonly model: RouteModel;
}

/**
 * External auth's `signInUrl`, when it is a path of this sidecar, must not reach a route behind the
 * same external auth: the sign-in page itself would answer with a redirect to sign in, for ever.
 * Checked at synthesis, when every route is known. A path no route serves is left alone (an Ingress
 * may send it elsewhere), and so is a route behind another auth service (signing in to one may be
 * what the other's page asks).
 */
export function signInLoopErrors(routes: NamedRoute[], sidecarAccess: AccessModel | undefined): string[] {
  const errors = new Set<string>();
  const authOf = (r: NamedRoute) => (r.model.access ?? sidecarAccess)?.externalAuth;
  for (const route of routes) {
    const signInUrl = authOf(route)?.signInUrl;
    if (signInUrl === undefined || !signInUrl.startsWith('/')) {
      continue;
    }
    const served = servingRoute(routes, nginxPath(signInUrl));
    if (served && JSON.stringify(authOf(served)) === JSON.stringify(authOf(route))) {
      const field = route.model.access ? `${route.name} access.externalAuth.signInUrl` : 'access.externalAuth.signInUrl';
      errors.add(invalid(field, signInUrl, `is served by ${served.name}, behind the same external auth: every sign-in `
        + 'would be sent to sign in again; serve the sign-in pages on a route without externalAuth (`access: {}`)').message);
    }
  }
  return [...errors];
}

/** The path nginx matches locations on: the query dropped, %XX decoded, dot segments resolved, slashes merged. */
function nginxPath(url: string): string {
  const raw = url.replace(/[?#].*$/, '');
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape: nginx answers 400 to it; matched as written.
  }
  const segments: string[] = [];
  for (const s of decoded.split('/').slice(1)) {
    if (s === '..') {
      segments.pop();
    } else if (s !== '.' && s !== '') {
      segments.push(s);
    }
  }
  return `/${segments.join('/')}${/\/\.{0,2}$/.test(decoded) && segments.length > 0 ? '/' : ''}`;
}

/**
 * The route nginx ends at for `path`: an exact (file) route; a proxy route at `path` + "/" (nginx
 * answers the path without its slash with a 301 there, the query kept); else the longest prefix.
 */
function servingRoute(routes: NamedRoute[], path: string): NamedRoute | undefined {
  const exact = routes.find((r) => r.model.kind === 'file' && r.model.path === path);
  if (exact) {
    return exact;
  }
  const slash = routes.find((r) => r.model.kind === 'proxy' && r.model.path === `${path}/`);
  if (slash) {
    return slash;
  }
  return routes.filter((r) => r.model.kind !== 'file' && path.startsWith(r.model.path))
    .sort((a, b) => b.model.path.length - a.model.path.length)[0];
}
